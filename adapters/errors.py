"""The one error family adapters raise, and the stable codes the gateway exposes.

    GatewayError                 anything with a stable code a caller may see
    ├── UpstreamError            a vendor call failed (status, vendor code, request id)
    ├── UnavailableError         a store the gateway needs besides the vendor is away
    ├── NotSupportedError        the vendor does not offer this (code NOT_SUPPORTED)
    └── InvalidInputError        a write's input breaks a vendor rule, caught before any call

httpx exceptions and vendor error bodies are translated into UpstreamError in exactly one
place, ``adapters.upstream.http.UpstreamHttp``; vendor clients only say how to read their bodies.
Messages never carry credentials: they are built from vendor error texts and our own words.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Stable values of ``extensions.code`` in GraphQL errors."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    UPSTREAM_TIMEOUT = "UPSTREAM_TIMEOUT"
    UPSTREAM_UNAVAILABLE = "UPSTREAM_UNAVAILABLE"
    UPSTREAM_BAD_RESPONSE = "UPSTREAM_BAD_RESPONSE"
    #: a write that may have reached the vendor without the gateway learning what it did
    #: (dropped or timed out after it was sent, an unreadable answer): never resent blind
    UPSTREAM_OUTCOME_UNKNOWN = "UPSTREAM_OUTCOME_UNKNOWN"
    #: the shared idempotency store (Redis) is unreachable: a keyed create is not sent
    IDEMPOTENCY_UNAVAILABLE = "IDEMPOTENCY_UNAVAILABLE"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    #: a subscription over a limit of the caller or of the connection it would poll
    SUBSCRIPTION_LIMIT = "SUBSCRIPTION_LIMIT"
    #: a template connection (``credentials = "caller"``) asked without the caller's
    #: vendor credential: refused before any upstream call
    VENDOR_CREDENTIALS_REQUIRED = "VENDOR_CREDENTIALS_REQUIRED"
    INTERNAL = "INTERNAL"


_CODE_BY_STATUS: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_USER_INPUT,
    401: ErrorCode.UNAUTHENTICATED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    405: ErrorCode.BAD_USER_INPUT,
    408: ErrorCode.UPSTREAM_TIMEOUT,
    409: ErrorCode.CONFLICT,
    413: ErrorCode.BAD_USER_INPUT,
    422: ErrorCode.BAD_USER_INPUT,
    424: ErrorCode.CONFLICT,
    429: ErrorCode.RATE_LIMITED,
    504: ErrorCode.UPSTREAM_TIMEOUT,
}
_RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def code_for_status(status: int) -> ErrorCode:
    if status in _CODE_BY_STATUS:
        return _CODE_BY_STATUS[status]
    if status >= 500:
        return ErrorCode.UPSTREAM_UNAVAILABLE
    return ErrorCode.UPSTREAM_BAD_RESPONSE


def is_retryable_status(status: int) -> bool:
    return status in _RETRYABLE_STATUSES


class GatewayError(Exception):
    """An error with a stable code; ``extensions()`` is what a GraphQL caller sees."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        connection: str | None = None,
        vendor: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.connection = connection
        self.vendor = vendor

    def extensions(self) -> dict[str, Any]:
        ext: dict[str, Any] = {"code": self.code.value}
        if self.connection is not None:
            ext["connection"] = self.connection
        if self.vendor is not None:
            ext["vendor"] = self.vendor
        return ext


class UpstreamError(GatewayError):
    """A vendor call failed: HTTP status, the vendor's own code and request id where known."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        connection: str,
        vendor: str,
        upstream_status: int | None = None,
        vendor_code: str | None = None,
        upstream_request_id: str | None = None,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, message, connection=connection, vendor=vendor)
        self.upstream_status = upstream_status
        self.vendor_code = vendor_code
        self.upstream_request_id = upstream_request_id
        self.retryable = retryable
        self.retry_after = retry_after

    def extensions(self) -> dict[str, Any]:
        ext = super().extensions()
        ext["retryable"] = self.retryable
        if self.upstream_status is not None:
            ext["upstreamStatus"] = self.upstream_status
        if self.vendor_code is not None:
            ext["vendorCode"] = self.vendor_code
        if self.upstream_request_id is not None:
            ext["upstreamRequestId"] = self.upstream_request_id
        if self.retry_after is not None:
            ext["retryAfter"] = round(self.retry_after, 3)
        return ext


class UnavailableError(GatewayError):
    """Something the gateway needs besides the vendor (the shared idempotency store) is
    away; nothing was sent upstream, so trying again shortly is safe."""

    def __init__(self, code: ErrorCode, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(code, message)
        self.retry_after = retry_after

    def extensions(self) -> dict[str, Any]:
        ext = super().extensions() | {"retryable": True}
        if self.retry_after is not None:
            ext["retryAfter"] = round(self.retry_after, 3)
        return ext


class NotSupportedError(GatewayError):
    def __init__(self, what: str, *, connection: str, vendor: str) -> None:
        super().__init__(
            ErrorCode.NOT_SUPPORTED,
            f"{vendor} connection '{connection}' does not support {what}",
            connection=connection,
            vendor=vendor,
        )


class InvalidInputError(GatewayError):
    """Input that breaks a documented vendor rule, found before any upstream call.

    ``field`` is the path in the command's own attribute names (``("options",
    "min_total_memory_gb")``); the schema rewrites it into the GraphQL input path.
    """

    def __init__(
        self,
        field: tuple[str, ...],
        problem: str,
        *,
        connection: str | None = None,
        vendor: str | None = None,
    ) -> None:
        super().__init__(
            ErrorCode.BAD_USER_INPUT,
            f"{'.'.join(field)}: {problem}",
            connection=connection,
            vendor=vendor,
        )
        self.field = field
        self.problem = problem

    def extensions(self) -> dict[str, Any]:
        return super().extensions() | {"field": ".".join(self.field)}
