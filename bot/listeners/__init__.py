"""Slack listeners, grouped by surface: slash commands, buttons, modals and type-ahead."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt.async_app import AsyncApp

from bot.listeners import actions, commands, options, views

if TYPE_CHECKING:
    from bot.app import Services


def register_listeners(app: AsyncApp, services: Services) -> None:
    commands.register(app, services)
    actions.register(app, services)
    views.register(app, services)
    options.register(app, services)
