"""The Slack app manifest: valid against Slack's schema, and matching what the code uses."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).resolve().parent / "data" / "slack-manifest-schema"


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


@pytest.mark.parametrize("version", ["1.0.0", "2.0.0"])
def test_manifest_matches_schema(version):
    schema = json.loads((SCHEMAS / f"manifest.schema.{version}.json").read_text())

    errors = [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(manifest())]

    assert errors == []


def test_manifest_declares_the_command_and_urls():
    data = manifest()

    [command] = data["features"]["slash_commands"]
    assert command["command"] == "/scp"
    assert command["url"].endswith("/slack/events")
    interactivity = data["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity["request_url"].endswith("/slack/events")
    assert interactivity["message_menu_options_url"].endswith("/slack/events")
    assert data["settings"]["socket_mode_enabled"] is True


def test_manifest_scopes_are_those_the_code_uses():
    # /scp needs commands; chat.postMessage, chat.update and chat.postEphemeral need
    # chat:write. views.open and response URLs need no scope.
    assert manifest()["oauth_config"]["scopes"]["bot"] == ["commands", "chat:write"]


def test_schema_rejects_a_broken_manifest():
    schema = json.loads((SCHEMAS / "manifest.schema.2.0.0.json").read_text())
    broken = manifest()
    broken["features"]["slash_commands"][0]["command"] = "scp"

    errors = list(jsonschema.Draft7Validator(schema).iter_errors(broken))

    assert errors
