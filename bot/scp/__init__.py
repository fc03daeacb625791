"""Async client for the SupportCenter Plus custom-module API, with its errors and models."""

from bot.scp._client import ScpClient
from bot.scp._discovery import discover_module
from bot.scp._errors import (
    AuthenticationError,
    FieldRejected,
    InvalidRecordId,
    NotInTrash,
    PermissionDenied,
    RateLimited,
    RecordNotFound,
    ScpError,
    ScpMessage,
    ScpResponseError,
    ScpTransportError,
    ServerError,
    UnexpectedResponse,
)
from bot.scp._models import (
    CUSTOM_FIELD_HOLDER,
    DESCRIPTION_FIELD,
    TITLE_FIELD,
    Criterion,
    Field,
    FieldKind,
    ListQuery,
    Module,
    Option,
    Page,
    Record,
    kind_from_name,
    validate_record_id,
)

__all__ = [
    "CUSTOM_FIELD_HOLDER", "DESCRIPTION_FIELD", "TITLE_FIELD", "AuthenticationError", "Criterion",
    "Field", "FieldKind", "FieldRejected", "InvalidRecordId", "ListQuery", "Module", "NotInTrash",
    "Option", "Page", "PermissionDenied", "RateLimited", "Record", "RecordNotFound", "ScpClient",
    "ScpError", "ScpMessage", "ScpResponseError", "ScpTransportError", "ServerError",
    "UnexpectedResponse",
    "discover_module", "kind_from_name", "validate_record_id",
]
