"""onstage — async-first SDK for Cloudflare RealtimeKit, TP Streams and the Vidinfra Webinar API.

from onstage import RealtimeKit, TPStreams, Webinar
"""

from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    OnstageError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    UnprocessableEntityError,
    WaitTimeoutError,
    WebhookVerificationError,
)
from ._hooks import RetryEvent
from ._log import setup_logging as _setup_logging
from ._options import ClientOptions
from ._pagination import AsyncPaginator, Page
from ._response import APIResponse
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__
from .realtimekit import RealtimeKit
from .tpstreams import TPStreams
from .webinar import Webinar

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ClientOptions",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidArgumentError",
    "NotFoundError",
    "NotGiven",
    "OnstageError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RealtimeKit",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "RetryEvent",
    "TPStreams",
    "UnprocessableEntityError",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "Webinar",
    "__version__",
]

_setup_logging()
