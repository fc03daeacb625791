"""The guard over final Block Kit JSON, with its problem list and its text and option checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.blockkit.limits import (
    BROADCAST_PATTERN,
    MAX_OPTIONS,
    MRKDWN_KEYS,
    PLAIN_TEXT_KEYS,
)


class BlockKitError(ValueError):
    """A payload that Slack would reject; ``problems`` lists each finding with its path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid Block Kit payload:\n" + "\n".join(self.problems))


@dataclass
class _Checker:
    """The guard over final JSON. Each check appends to ``problems`` instead of stopping."""

    check_lengths_utf16: bool = False
    allow_broadcasts: bool = False
    problems: list[str] = field(default_factory=list)

    def add(self, path: str, message: str) -> None:
        self.problems.append(f"{path or '/'}: {message}")

    def length(self, text: str) -> int:
        if self.check_lengths_utf16:
            return len(text.encode("utf-16-le")) // 2
        return len(text)

    def string(self, path: str, value: Any, limit: int, *, minimum: int = 1) -> None:
        if not isinstance(value, str):
            self.add(path, f"expected a string, got {type(value).__name__}")
            return
        size = self.length(value)
        if size < minimum:
            self.add(path, f"must have at least {minimum} characters")
        elif size > limit:
            self.add(path, f"has {size} characters, more than the maximum of {limit}")

    def keys(self, path: str, obj: Mapping[str, Any], allowed: frozenset[str]) -> None:
        for key in sorted(set(obj) - allowed):
            self.add(f"{path}/{key}", "unknown key (Slack rejects it)")

    def broadcasts(self, path: str, text: str) -> None:
        if not self.allow_broadcasts and BROADCAST_PATTERN.search(text):
            self.add(path, "contains a broadcast mention such as <!channel>")

    # Text and composition objects ------------------------------------------------------

    def text(self, path: str, obj: Any, limit: int, *, plain_only: bool = False) -> None:
        if not isinstance(obj, Mapping):
            self.add(path, "expected a text object")
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn") or (plain_only and kind != "plain_text"):
            expected = "plain_text" if plain_only else "plain_text or mrkdwn"
            self.add(f"{path}/type", f"expected {expected}, got {kind!r}")
            return
        self.keys(path, obj, PLAIN_TEXT_KEYS if kind == "plain_text" else MRKDWN_KEYS)
        value = obj.get("text")
        self.string(f"{path}/text", value, limit)
        if isinstance(value, str):
            if not value.strip():
                self.add(f"{path}/text", "is blank")
            self.broadcasts(f"{path}/text", value)

    def optional_text(self, path: str, obj: Mapping[str, Any], key: str, limit: int,
                      *, plain_only: bool = True) -> None:
        if key in obj:
            self.text(f"{path}/{key}", obj[key], limit, plain_only=plain_only)

    def confirm(self, path: str, obj: Any) -> None:
        if not isinstance(obj, Mapping):
            self.add(path, "expected a confirm object")
            return
        self.keys(path, obj, frozenset({"title", "text", "confirm", "deny", "style"}))
        for key, limit in (("title", 100), ("confirm", 30), ("deny", 30)):
            if key not in obj:
                self.add(f"{path}/{key}", "is missing")
            else:
                self.text(f"{path}/{key}", obj[key], limit, plain_only=True)
        if "text" not in obj:
            self.add(f"{path}/text", "is missing")
        else:
            self.text(f"{path}/text", obj["text"], 300)
        if obj.get("style", "primary") not in ("primary", "danger"):
            self.add(f"{path}/style", "must be primary or danger")

    def option(self, path: str, obj: Any, *, plain_only: bool = True) -> None:
        if not isinstance(obj, Mapping):
            self.add(path, "expected an option object")
            return
        self.keys(path, obj, frozenset({"text", "value", "description", "url"}))
        if "text" not in obj:
            self.add(f"{path}/text", "is missing")
        else:
            self.text(f"{path}/text", obj["text"], 75, plain_only=plain_only)
        self.string(f"{path}/value", obj.get("value"), 150)
        self.optional_text(path, obj, "description", 75, plain_only=plain_only)
        if "url" in obj:
            self.string(f"{path}/url", obj["url"], 3000)

    def option_list(self, path: str, options: Any, minimum: int, maximum: int,
                    *, plain_only: bool = True) -> list[Any]:
        if not isinstance(options, list):
            self.add(path, "expected a list of options")
            return []
        if not minimum <= len(options) <= maximum:
            self.add(path, f"has {len(options)} options, expected {minimum} to {maximum}")
        for index, option in enumerate(options):
            self.option(f"{path}/{index}", option, plain_only=plain_only)
        return options

    def option_groups(self, path: str, groups: Any) -> list[Any]:
        if not isinstance(groups, list) or not 1 <= len(groups) <= MAX_OPTIONS:
            self.add(path, f"expected a list of 1 to {MAX_OPTIONS} option groups")
            return []
        options: list[Any] = []
        for index, group in enumerate(groups):
            group_path = f"{path}/{index}"
            if not isinstance(group, Mapping):
                self.add(group_path, "expected an option group")
                continue
            self.keys(group_path, group, frozenset({"label", "options"}))
            self.text(f"{group_path}/label", group.get("label"), 75, plain_only=True)
            options += self.option_list(
                f"{group_path}/options", group.get("options"), 1, MAX_OPTIONS
            )
        return options
