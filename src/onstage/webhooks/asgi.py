"""Framework helpers with no dependency beyond the standard library.

* ``read_verified(verifier, request)``: for Starlette/FastAPI (or anything with ``await
  request.body()`` and ``request.headers``), returns the verified event.
* ``webhook_app(verifier, handler)``: a complete ASGI endpoint. It reads the raw body from the
  receive channel (stopping at ``verifier.max_body_bytes``), verifies it, awaits ``handler(event)``
  and answers ``204``. A delivery that fails verification gets ``400 {"error": reason}`` (senders do
  not retry a 4xx); a RealtimeKit public key that cannot be fetched gets ``503`` so that the sender
  retries later. An exception from ``handler`` propagates (the server answers 500 and the sender
  retries). Mount it with ``app.mount("/webhooks/rtk", webhook_app(verifier, on_event))``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from .._asgi import ASGIApp, BodyOverLimit, Receive, Scope, Send, lifespan, read_body
from .._errors import WebhookVerificationError
from ._body import PublicKeyUnavailableError
from ._headers import HeadersLike, normalize_headers

__all__ = ["ASGIApp", "Verifier", "read_verified", "webhook_app"]

_E_co = TypeVar("_E_co", covariant=True)
_E = TypeVar("_E")


class Verifier(Protocol[_E_co]):
    """What both ``realtimekit.WebhookVerifier`` and ``tpstreams.WebhookVerifier`` provide."""

    @property
    def max_body_bytes(self) -> int: ...

    async def unwrap(self, body: bytes, headers: HeadersLike) -> _E_co: ...


class _Request(Protocol):
    @property
    def headers(self) -> Any: ...

    async def body(self) -> bytes: ...


def _declared_length(headers: dict[str, str]) -> int | None:
    value = headers.get("content-length", "").strip()
    return int(value) if value.isdigit() else None


def _too_large(size: int, limit: int) -> WebhookVerificationError:
    return WebhookVerificationError(f"body too large: {size} bytes, the limit is {limit}")


async def read_verified(verifier: Verifier[_E], request: _Request) -> _E:
    """Read ``request``'s raw body and return the verified event (``WebhookVerificationError`` if not).

    A ``Content-Length`` above the verifier's limit is rejected before the body is read.
    """
    length = _declared_length(normalize_headers(request.headers))
    if length is not None and length > verifier.max_body_bytes:
        raise _too_large(length, verifier.max_body_bytes)
    return await verifier.unwrap(await request.body(), request.headers)


async def _respond(send: Send, status: int, payload: dict[str, str] | None = None) -> None:
    body = json.dumps(payload).encode() if payload is not None else b""
    headers: list[tuple[bytes, bytes]] = []
    if payload is not None:  # a 204 carries neither a body nor Content-Length (RFC 9110 §8.6)
        headers += [(b"content-length", str(len(body)).encode()), (b"content-type", b"application/json")]
    if status == 405:
        headers.append((b"allow", b"POST"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def webhook_app(verifier: Verifier[_E], handler: Callable[[_E], Awaitable[object]]) -> ASGIApp:
    """An ASGI app that verifies each POSTed delivery and hands the event to ``handler``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            raise RuntimeError(f"webhook_app serves HTTP only, not {scope['type']!r}")
        if scope.get("method") != "POST":
            await _respond(send, 405, {"error": "webhooks are delivered with POST"})
            return
        headers = scope.get("headers") or []
        try:
            length = _declared_length(normalize_headers(headers))
            if length is not None and length > verifier.max_body_bytes:
                raise _too_large(length, verifier.max_body_bytes)
            try:
                body = await read_body(receive, verifier.max_body_bytes)
            except BodyOverLimit as exc:
                raise _too_large(exc.size, verifier.max_body_bytes) from None
            if body is None:
                return
            event = await verifier.unwrap(body, headers)
        except PublicKeyUnavailableError as exc:
            await _respond(send, 503, {"error": str(exc)})
            return
        except WebhookVerificationError as exc:
            await _respond(send, 400, {"error": str(exc)})
            return
        await handler(event)
        await _respond(send, 204)

    return app
