"""The Jinja environment that renders Slack surfaces from ``templates/*.j2``.

Templates write JSON, so autoescaping (which is HTML escaping) is off and every dynamic value
passes through ``json`` after the mrkdwn or plain-text filters. ``StrictUndefined`` turns a
misspelt variable into an error instead of an empty string.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jinja2

from bot.rendering import text
from bot.scp import Field

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# A wheel carries the templates inside the package; a source checkout keeps them at the root.
INSTALLED_TEMPLATES = PACKAGE_DIR / "_templates"
SOURCE_TEMPLATES = PACKAGE_DIR.parent / "templates"


def template_dir() -> Path:
    """Return the folder of the ``.j2`` templates for this installation."""
    if INSTALLED_TEMPLATES.is_dir():
        return INSTALLED_TEMPLATES
    return SOURCE_TEMPLATES


def json_text(value: object) -> str:
    """Encode a value as JSON for insertion into a template."""
    return json.dumps(value, ensure_ascii=False)


def plain(value: object) -> str:
    """Escape text for a ``plain_text`` object.

    Plain text does not ping, but ``& < >`` are escaped there too so that text pasted from a
    record can never become a mention if the object is ever switched to mrkdwn.
    """
    return text.escape_mrkdwn(value)


def field_value(value: object, field: Field) -> str:
    return text.format_value(field, value)


def cut(value: str, limit: int, suffix: str = text.ELLIPSIS) -> str:
    return text.cut(str(value), int(limit), suffix)


def build_environment(directory: Path | None = None) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory or template_dir())),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.do"],
    )
    environment.filters.update(
        mrkdwn=text.escape_mrkdwn,
        plain=plain,
        cut=cut,
        html_to_mrkdwn=text.html_to_mrkdwn,
        field_value=field_value,
        any_value=text.format_plain,
        json=json_text,
        json_text=json_text,
        nonempty=text.nonempty,
        trusted_mrkdwn=text.neutralize_broadcasts,
        when=text.when_token,
    )
    return environment


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Return the shared environment, built on first use."""
    return build_environment()
