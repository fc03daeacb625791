"""Errors raised by the SupportCenter Plus API client.

    ScpError
    ├── InvalidRecordId        an id that is not all digits, rejected before any request
    ├── ScpTransportError      no usable HTTP response: connection failed or timed out
    │                          (``indeterminate`` is true for a write whose outcome is unknown)
    └── ScpResponseError       the server answered with a failure ``response_status``,
        │                      whatever the HTTP status (failures can arrive under HTTP 200)
        ├── AuthenticationError    4022 or HTTP 401: the authtoken or OAuth token was rejected
        ├── PermissionDenied       4002 or HTTP 403
        ├── RecordNotFound         4007 or HTTP 404: unknown URL, module or record id
        ├── NotInTrash             4017: permanent delete of a record that is not in the trash
        ├── RateLimited            4015 or HTTP 429
        ├── ServerError            4004 or HTTP 5xx
        ├── FieldRejected          4001, 4009, 4012, 4014, 4021 naming fields: the input was refused
        └── UnexpectedResponse     a body that is not the API's JSON envelope (an HTML error
                                   page, an empty body); ``indeterminate`` for a 2xx to a write

Every ``ScpResponseError`` keeps the HTTP status, the top-level status code and each entry of
``messages`` with its own status code, message and field names, so a caller can put the error
on the right field of a form.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScpMessage:
    """One entry of ``response_status.messages`` in a failure envelope."""

    status_code: int | None
    message: str | None = None
    field: str | None = None
    fields: tuple[str, ...] = ()

    @property
    def field_names(self) -> tuple[str, ...]:
        names = list(self.fields)
        if self.field and self.field not in names:
            names.insert(0, self.field)
        return tuple(names)


class ScpError(Exception):
    """Base of every error the client raises."""


class InvalidRecordId(ScpError, ValueError):
    def __init__(self, record_id: object) -> None:
        super().__init__(f"invalid record id {str(record_id)[:40]!r}: expected digits only")
        self.record_id = record_id


class ScpTransportError(ScpError):
    """The server could not be reached or sent no response in time."""

    def __init__(self, message: str, *, method: str, url: str, indeterminate: bool = False):
        super().__init__(message)
        self.method = method
        self.url = url
        self.indeterminate = indeterminate


@dataclass
class ScpResponseError(ScpError):
    """The server responded with a failure envelope."""

    http_status: int
    status_code: int | None
    messages: list[ScpMessage] = field(default_factory=list)
    method: str = ""
    url: str = ""

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        codes = ", ".join(str(m.status_code) for m in self.messages if m.status_code)
        text = "; ".join(m.message for m in self.messages if m.message)
        detail = text or (f"status {codes}" if codes else f"status {self.status_code}")
        return f"{self.method} {self.url} failed (HTTP {self.http_status}): {detail}"

    @property
    def codes(self) -> set[int]:
        found = {m.status_code for m in self.messages if m.status_code is not None}
        if self.status_code is not None:
            found.add(self.status_code)
        return found

    @property
    def message(self) -> str:
        """The server's own wording, or an empty string when it sent none."""
        return "; ".join(m.message for m in self.messages if m.message)

    def field_errors(self) -> dict[str, str]:
        """Map each field the server named to a message a person can act on."""
        errors: dict[str, str] = {}
        for entry in self.messages:
            text = entry.message or _default_field_message(entry.status_code)
            for name in entry.field_names:
                errors.setdefault(name, text)
        return errors


class AuthenticationError(ScpResponseError):
    pass


class PermissionDenied(ScpResponseError):
    pass


class RecordNotFound(ScpResponseError):
    pass


class NotInTrash(ScpResponseError):
    pass


class RateLimited(ScpResponseError):
    pass


class ServerError(ScpResponseError):
    pass


class FieldRejected(ScpResponseError):
    pass


class UnexpectedResponse(ScpResponseError):
    """The body is not the API's JSON envelope, so the outcome of the call is unknown."""

    @property
    def indeterminate(self) -> bool:
        """True when a write got a 2xx response, so the server may have done it."""
        return 200 <= self.http_status < 300 and self.method != "GET"


_FIELD_MESSAGES = {
    4001: "This value does not exist or cannot be used.",
    4008: "This value must be unique.",
    4009: "This field cannot be edited.",
    4012: "This field is required.",
    4014: "This field is read-only.",
    4021: "This value has the wrong type.",
}


def _default_field_message(status_code: int | None) -> str:
    return _FIELD_MESSAGES.get(status_code or 0, "The server rejected this value.")


def error_class_for(
    http_status: int, codes: set[int], names_fields: bool
) -> type[ScpResponseError]:
    """Pick the most specific error class for a failure envelope."""
    if 4022 in codes or http_status == 401:
        return AuthenticationError
    if 4017 in codes:
        return NotInTrash
    if 4015 in codes or http_status == 429:
        return RateLimited
    if 4002 in codes or http_status == 403:
        return PermissionDenied
    if 4007 in codes or http_status == 404:
        return RecordNotFound
    if 4004 in codes or http_status >= 500:
        return ServerError
    if names_fields:
        return FieldRejected
    return ScpResponseError
