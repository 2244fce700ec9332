"""When to retry, and how long to wait. The only module that decides; ``_client_base`` sleeps.

Rules (a create is never duplicated):
- connection failures before the request was sent (connect error/timeout, pool timeout): always;
- any other transport error or timeout: only for idempotent methods (GET, PUT, DELETE, HEAD, OPTIONS);
- 408, 429 and 5xx: idempotent methods;
- POST/PATCH: only 429, and 503 when the server sent ``Retry-After`` (it did not act on the request).
Waits grow exponentially with jitter and honour ``retry-after-ms`` / ``Retry-After`` (seconds or an
HTTP date) up to a cap.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping

import httpx2

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "IDEMPOTENT_METHODS",
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "is_idempotent",
    "may_have_reached_server",
    "retry_after_seconds",
    "retry_delay",
    "set_backoff_scale",
    "should_retry_exception",
    "should_retry_status",
]

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0

#: Methods whose repetition has the effect of one call (RFC 9110 §9.2.2). The generator stamps each
#: operation's ``idempotent`` from this (``x-onstage.idempotent`` in the spec may override it).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def is_idempotent(method: str) -> bool:
    return method.upper() in IDEMPOTENT_METHODS


# Raised before any byte of the request reached the server.
_NOT_SENT = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)


def _seconds(text: str, scale: float) -> float | None:
    try:
        value = float(text) * scale
    except ValueError:
        return None
    return max(value, 0.0) if math.isfinite(value) else None


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, or None. ``retry-after-ms`` wins over ``Retry-After``.

    Hostile values (``inf``, ``nan``, a date in the year 99999, garbage) mean "not said", never an
    exception: the caller then backs off by its own schedule.
    """
    ms = headers.get("retry-after-ms")
    if ms:
        seconds = _seconds(ms[:64], 0.001)
        if seconds is not None:
            return seconds
    value = headers.get("retry-after")
    if not value:
        return None
    value = value[:64]
    seconds = _seconds(value, 1.0)
    if seconds is not None:
        return seconds
    try:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        then = email.utils.mktime_tz(parsed)
    except (ValueError, OverflowError, OSError, IndexError, TypeError):
        return None
    return max(then - (time.time() if now is None else now), 0.0)


def should_retry_status(status: int, *, idempotent: bool, headers: Mapping[str, str]) -> bool:
    if status == 429:
        return True
    if idempotent:
        return status == 408 or status >= 500
    return status == 503 and retry_after_seconds(headers) is not None


def may_have_reached_server(exc: BaseException) -> bool:
    """False only when the request provably never left (refused, DNS, TLS, pool timeout)."""
    return not isinstance(exc, _NOT_SENT)


def should_retry_exception(exc: BaseException, *, idempotent: bool) -> bool:
    if isinstance(exc, _NOT_SENT):
        return True
    return idempotent and isinstance(
        exc, (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError)
    )


# Tests shrink every wait by this factor through ``onstage.testing.backoff_scale`` (documented),
# so fault suites run in seconds without touching the policy itself.
_backoff_scale = 1.0


def set_backoff_scale(factor: float) -> float:
    """Scale every retry wait by ``factor`` (1.0 = production); returns the previous factor."""
    global _backoff_scale
    if not isinstance(factor, int | float) or isinstance(factor, bool) or not 0.0 <= factor <= 1.0:
        raise ValueError(f"backoff scale must be a number in [0, 1], got {factor!r}")
    previous, _backoff_scale = _backoff_scale, float(factor)
    return previous


def retry_delay(attempt: int, retry_after: float | None) -> float:
    """Delay before retry number ``attempt`` (0-based)."""
    if retry_after is not None and retry_after <= MAX_RETRY_AFTER:
        return retry_after * _backoff_scale
    base = min(INITIAL_RETRY_DELAY * (2.0**attempt), MAX_RETRY_DELAY)
    return base * (1.0 - 0.25 * random.random()) * _backoff_scale
