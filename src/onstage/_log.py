"""The ``onstage`` logger. ``ONSTAGE_LOG=debug|info`` turns on a stderr handler; everything logged
goes through the redactor first: URLs (secret path and query parameters of the operation), headers
(auth), bodies (secret fields of the spec, structurally when JSON; at most 64 KiB read, 2000 characters
printed)."""

from __future__ import annotations

import logging
import os

import httpx2

from ._operation import Operation
from ._redact import redact_body, redact_headers, redact_text, redact_url
from ._response import elapsed_of

__all__ = ["log_request", "log_response", "log_retry", "logger", "setup_logging"]

logger = logging.getLogger("onstage")


def setup_logging() -> None:
    level = os.environ.get("ONSTAGE_LOG", "").strip().lower()
    if level not in ("debug", "info"):
        return
    logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
    if not any(getattr(h, "_onstage", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        handler._onstage = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def _url(op: Operation, request: httpx2.Request) -> str:
    return redact_url(str(request.url), op.path, op.secret_params)


def _body(message: httpx2.Request | httpx2.Response) -> str:
    try:
        content = message.content
    except (httpx2.RequestNotRead, httpx2.ResponseNotRead):
        return "<stream>"
    return redact_body(content) if content else ""


def log_request(op: Operation, request: httpx2.Request) -> None:
    logger.debug(
        "request %s %s headers=%s body=%s",
        request.method,
        _url(op, request),
        redact_headers(request.headers.multi_items()),
        _body(request),
    )


def log_response(op: Operation, response: httpx2.Response, retries: int) -> None:
    request = response.request
    ms = elapsed_of(response).total_seconds() * 1000.0
    logger.info(
        "%s %s -> %s in %.1f ms (retries %d)",
        request.method,
        _url(op, request),
        response.status_code,
        ms,
        retries,
    )
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("response body=%s", _body(response))


def log_retry(operation: str, attempt: int, delay: float, reason: str) -> None:
    logger.info("retrying %s (attempt %d) in %.2fs: %s", operation, attempt, delay, redact_text(reason))
