"""Notification threads: a followed module's records as cards in a channel, with their history
in each card's thread."""

from bot.notify.notifier import Notifier, create_notifier
from bot.notify.state import EVENTS, Subscription

__all__ = ["EVENTS", "Notifier", "Subscription", "create_notifier"]
