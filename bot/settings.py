"""Settings read from the environment (and a ``.env`` file in the working folder).

Secrets are ``SecretStr`` so that printing or logging a ``Settings`` never shows them.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODULES = "cm_books"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Base URL of the Slack Web API; the shell and the tests point it at a local fake.
    slack_api_url: str | None = None

    scp_url: str | None = None
    scp_authtoken: SecretStr | None = None
    scp_oauth_token: SecretStr | None = None
    scp_modules: str = DEFAULT_MODULES
    scp_timeout_seconds: float = 15.0
    scp_webhook_secret: SecretStr | None = None
    scp_poll_seconds: float = 60.0
    # Notification threads. Posts to one channel are at least notify_pace_seconds apart,
    # because Slack allows about one message per second per channel. A process holds an
    # unsent post for notify_lease_seconds before another process may take it over, and the
    # webhook waits notify_webhook_delay_seconds before it re-reads a record.
    notify_pace_seconds: float = 1.0
    notify_lease_seconds: float = 120.0
    notify_webhook_delay_seconds: float = 2.0

    bot_config: Path | None = None
    database_url: str | None = None
    picklist_ttl_seconds: float = 300.0

    @property
    def module_names(self) -> list[str]:
        return [name.strip() for name in self.scp_modules.split(",") if name.strip()]

    @property
    def state_database_url(self) -> str:
        return self.database_url or "sqlite:///scp-bot.db"

    @property
    def web_api_base_url(self) -> str:
        url = self.slack_api_url or "https://slack.com/api/"
        return url if url.endswith("/") else url + "/"


def secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None
