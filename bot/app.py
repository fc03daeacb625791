"""The app factory: the services every listener shares, and the Bolt app wired to them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.background import BackgroundTasks
from bot.catalog import DiscoveryReport, ModuleCatalog, discover_catalog
from bot.config import BotConfig
from bot.picklists import PickListCache
from bot.replay_guard import ReplayGuard
from bot.scp import ScpClient
from bot.settings import Settings, secret

if TYPE_CHECKING:
    from bot.notify import Notifier

logger = logging.getLogger(__name__)


class SetupError(RuntimeError):
    """A setting the bot needs is missing; the message names it."""


@dataclass
class Services:
    """The shared parts of a process: one of each for listeners, operations and the notifier."""

    settings: Settings
    scp: ScpClient
    catalog: ModuleCatalog
    picklists: PickListCache
    web_client: AsyncWebClient
    background: BackgroundTasks = field(default_factory=BackgroundTasks)
    notifier: Notifier | None = None
    discovery: list[DiscoveryReport] = field(default_factory=list)

    async def aclose(self) -> None:
        await self.background.join(timeout=10)
        if self.notifier is not None:
            await self.notifier.stop()
        await self.scp.aclose()


def create_scp_client(settings: Settings) -> ScpClient:
    if not settings.scp_url:
        raise SetupError("SCP_URL is not set: give the SupportCenter Plus server's root URL.")
    if not (settings.scp_authtoken or settings.scp_oauth_token):
        raise SetupError("Set SCP_AUTHTOKEN (on-premises) or SCP_OAUTH_TOKEN (cloud).")
    return ScpClient(
        settings.scp_url,
        authtoken=secret(settings.scp_authtoken),
        oauth_token=secret(settings.scp_oauth_token),
        timeout=settings.scp_timeout_seconds,
    )


def create_web_client(settings: Settings) -> AsyncWebClient:
    # Rate-limited calls wait for Retry-After; that is safe only because every listener has
    # acknowledged its request before it calls the Web API.
    return AsyncWebClient(
        token=secret(settings.slack_bot_token),
        base_url=settings.web_api_base_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        ],
    )


async def build_services(settings: Settings, *, notifications: bool = True) -> Services:
    """Connect to SupportCenter Plus, discover the modules, and set up the shared parts."""
    scp = create_scp_client(settings)
    try:
        config = BotConfig.load(settings.bot_config)
        catalog, reports = await discover_catalog(scp, settings.module_names, config)
    except BaseException:
        await scp.aclose()
        raise

    services = Services(
        settings=settings,
        scp=scp,
        catalog=catalog,
        picklists=PickListCache(scp, ttl_seconds=settings.picklist_ttl_seconds),
        web_client=create_web_client(settings),
        discovery=reports,
    )
    if notifications:
        from bot.notify import Notifier

        services.notifier = Notifier(
            settings, scp, catalog, services.web_client, services.background,
            pace_seconds=settings.notify_pace_seconds,
            lease_seconds=settings.notify_lease_seconds,
            webhook_delay_seconds=settings.notify_webhook_delay_seconds,
        )
    return services


def create_bolt_app(services: Services) -> AsyncApp:
    from bot.listeners import register_listeners

    settings = services.settings
    signing_secret = secret(settings.slack_signing_secret)
    if not signing_secret:
        raise SetupError("SLACK_SIGNING_SECRET is not set; Slack requests cannot be verified.")
    if not settings.slack_bot_token:
        raise SetupError("SLACK_BOT_TOKEN is not set.")

    app = AsyncApp(
        client=services.web_client,
        signing_secret=signing_secret,
    )
    app.middleware(ReplayGuard())
    register_listeners(app, services)
    return app
