"""The exception tree. Every error onstage raises is an ``OnstageError``::

    OnstageError
    ├── APIError                        something went wrong talking to an API
    │   ├── APIConnectionError          no usable HTTP response (DNS, refused, reset, TLS…);
    │   │   │                           ``maybe_applied`` says whether it may have been applied
    │   │   └── APITimeoutError         the request timed out (an attempt, or ``total_timeout``)
    │   ├── APIStatusError              the API answered with a non-2xx status
    │   │   ├── BadRequestError              400
    │   │   ├── AuthenticationError          401
    │   │   ├── PermissionDeniedError        403
    │   │   ├── NotFoundError                404
    │   │   ├── ConflictError                409
    │   │   ├── UnprocessableEntityError     422
    │   │   ├── RateLimitError               429
    │   │   └── InternalServerError          5xx
    │   ├── ResponseValidationError     a 2xx body that does not parse into the model
    │   ├── ResponseTooLargeError       a body over ``max_response_bytes`` (never read whole)
    │   └── PaginationError             a list endpoint that stopped making progress
    ├── ConfigurationError              a client built without what it needs (token, ids…)
    │   └── ClientClosedError           a call on a client after ``aclose()``
    ├── InvalidArgumentError            a call made with an argument the SDK can reject locally
    ├── WaitTimeoutError                a ``wait_until_*`` helper ran out of time
    └── WebhookVerificationError        a webhook delivery that failed verification

Messages never contain secrets: bodies are passed through the redactor before they are quoted.
Messages and the bodies kept on errors are bounded (``MAX_ERROR_MESSAGE``, ``MAX_ERROR_BODY``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ._redact import redact_text

if TYPE_CHECKING:
    import httpx2

__all__ = [
    "MAX_ERROR_BODY",
    "MAX_ERROR_MESSAGE",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "OnstageError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "bounded",
    "make_status_error",
]

# An error message longer than this is cut (with a marker saying how much was cut); an error body
# larger than this is kept as truncated text instead of parsed JSON.
MAX_ERROR_MESSAGE = 2_000
MAX_ERROR_BODY = 64 * 1024


def bounded(text: str, limit: int = MAX_ERROR_MESSAGE) -> str:
    """``text`` cut to ``limit`` characters with a marker, so no server can make a huge message."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [truncated {len(text) - limit} characters]"


class OnstageError(Exception):
    """Base class of every exception raised by onstage."""


class ConfigurationError(OnstageError):
    """The client is missing something it needs (credentials, bound ids) or got a bad option."""


class ClientClosedError(ConfigurationError, RuntimeError):
    """A call was made on a client (or a ``with_options`` copy of it) after ``aclose()``."""


class InvalidArgumentError(OnstageError, ValueError):
    """An argument was rejected before any request was sent."""


class WaitTimeoutError(OnstageError, TimeoutError):
    """A ``wait_until_*`` helper gave up; ``last`` holds the last observed resource."""

    def __init__(self, message: str, *, last: object = None) -> None:
        super().__init__(message)
        self.last = last


class WebhookVerificationError(OnstageError):
    """A webhook delivery could not be verified (missing header, bad signature, unknown key…)."""


class APIError(OnstageError):
    """An error while talking to one of the APIs."""

    request: httpx2.Request | None

    def __init__(self, message: str, *, request: httpx2.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """No usable response arrived: the connection failed, was reset, or the body was cut short.

    ``maybe_applied`` is True when the request may have reached the server before the failure (a
    reset or timeout after sending): a create may then exist. Reconcile (list, or look up by your
    own reference) before creating again; onstage never resends such a POST/PATCH by itself. It is
    False when the request provably never left (connection refused, DNS, TLS, pool timeout).
    """

    def __init__(
        self,
        message: str = "Connection error.",
        *,
        request: httpx2.Request | None = None,
        maybe_applied: bool = False,
    ) -> None:
        super().__init__(message, request=request)
        self.maybe_applied = maybe_applied


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool), or the call's ``total_timeout`` ran out."""

    def __init__(
        self,
        message: str = "Request timed out.",
        *,
        request: httpx2.Request | None = None,
        maybe_applied: bool = False,
    ) -> None:
        super().__init__(message, request=request, maybe_applied=maybe_applied)


class ResponseValidationError(APIError):
    """A successful response whose body does not fit the model of ``operation``."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        response: httpx2.Response | None = None,
        body: object = None,
    ) -> None:
        super().__init__(
            f"{operation}: {message}", request=response.request if response is not None else None
        )
        self.operation = operation
        self.response = response
        self.body = body


class ResponseTooLargeError(APIError):
    """The response body exceeded the client's ``max_response_bytes`` (decoded size); reading
    stopped there. ``limit`` is the cap, ``size`` what was announced or read when it stopped."""

    def __init__(self, message: str, *, request: httpx2.Request | None, limit: int, size: int) -> None:
        super().__init__(message, request=request)
        self.limit = limit
        self.size = size


class PaginationError(APIError):
    """A paginated list stopped making progress (a page with no new items, or a repeated cursor)."""


class APIStatusError(APIError):
    """The API answered with a non-success status.

    Attributes: ``status_code``; ``code`` and ``message`` as the API reported them (parsed from each
    API's error shape); ``operation`` (the spec's operationId, when raised by a facade call);
    ``request_id`` when the response carries one; ``body`` (parsed JSON or text); ``response`` (the
    raw ``httpx2.Response``); ``target``, the method and URL the request went to (secrets masked,
    no query), which ``str()`` shows for statuses that usually mean a wrong route or base URL
    (404, 405).
    """

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        response: httpx2.Response,
        body: object,
        code: str | int | None = None,
        request_id: str | None = None,
        operation: str | None = None,
        target: str | None = None,
    ) -> None:
        self.status_code = response.status_code
        self.code = code
        self.body = body
        self.response = response
        self.request_id = request_id
        self.operation = operation
        self.target = target
        super().__init__(message, request=response.request)

    def __str__(self) -> str:
        parts = [f"{self.status_code}"]
        if self.code is not None and str(self.code) != str(self.status_code):
            parts.append(f"[{self.code}]")
        parts.append(self.message)
        if self.operation:
            parts.append(f"({self.operation})")
        if self.target and self.status_code in _ROUTE_STATUSES:
            parts.append(f"from {self.target}")
        if self.request_id:
            parts.append(f"(request id {self.request_id})")
        return " ".join(parts)


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401: the token or API key is missing, wrong or expired."""


class PermissionDeniedError(APIStatusError):
    """403."""


class NotFoundError(APIStatusError):
    """404."""


class ConflictError(APIStatusError):
    """409."""


class UnprocessableEntityError(APIStatusError):
    """422."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` (seconds) when the API said."""

    retry_after: float | None = None


class InternalServerError(APIStatusError):
    """5xx."""


#: Statuses whose message shows where the request went: most often a wrong base URL or route.
_ROUTE_STATUSES = frozenset({404, 405})

_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_REQUEST_ID_HEADERS = ("cf-ray", "x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")


def _first_str(*values: Any) -> str | None:
    for v in values:
        if isinstance(v, str) and v:
            return v
    return None


def parse_error_body(body: object) -> tuple[str | int | None, str]:
    """Return ``(code, message)`` from any of the three APIs' error shapes.

    RealtimeKit: ``{"success": false, "error": {"code", "message"}}``, the v4 gateway's
    ``{"errors": [{"code", "message"}]}``, or a bare ``{"message"}``. TP Streams (DRF):
    ``{"detail": "..."}`` or field errors ``{"field": ["msg", ...]}``. Webinar: ``{"error": "...",
    "message": "...", "code": "..."}`` with optional ``errors[]``. Plain text bodies are quoted.
    """
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            return err.get("code"), _first_str(err.get("message"), err.get("description")) or "error"
        errors = body.get("errors")
        first = errors[0] if isinstance(errors, list) and errors else None
        code = body.get("code")
        message = _first_str(body.get("message"), err, body.get("detail"))
        if isinstance(first, dict):
            code = code if code is not None else first.get("code")
            detail = _first_str(first.get("message"))
            if detail:
                field = first.get("field")
                if isinstance(field, str) and field and not detail.startswith(f"{field}:"):
                    detail = f"{field}: {detail}"  # a message that names its field already keeps one
                message = f"{message}: {detail}" if message and message != detail else detail
        if message:
            return code, message
        # DRF field errors: {"title": ["This field is required."], ...}
        fields = [
            f"{k}: {'; '.join(str(m) for m in v) if isinstance(v, list) else v}"
            for k, v in body.items()
            if k not in ("success", "timestamp")
        ]
        if fields:
            return code, ", ".join(fields)
        return code, "error"
    if isinstance(body, list) and body:
        return None, "; ".join(json.dumps(x) if not isinstance(x, str) else x for x in body[:5])
    if isinstance(body, str) and body.strip():
        text = " ".join(body[: 4 * 300].split())
        return None, text if len(text) <= 300 else text[:297] + "..."
    return None, "error"


def request_id_of(response: httpx2.Response) -> str | None:
    headers = response.headers
    for name in _REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return str(value)
    return None


def make_status_error(
    response: httpx2.Response, body: object, *, operation: str | None = None, target: str | None = None
) -> APIStatusError:
    """Build the right ``APIStatusError`` subclass for a non-2xx response."""
    status = response.status_code
    cls = _STATUS_CLASSES.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    try:
        code, message = parse_error_body(body)
    except (RecursionError, ValueError, TypeError):  # nesting too deep to format, odd shapes
        code, message = None, "error (the body could not be read as an error message)"
    if not isinstance(code, str | int) or isinstance(code, bool):
        code = None
    return cls(
        redact_text(bounded(message)),
        response=response,
        body=body,
        code=code,
        request_id=request_id_of(response),
        operation=operation,
        target=target,
    )
