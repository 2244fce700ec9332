"""ASGI with nothing but the standard library, written once for the webhook endpoint
(``onstage.webhooks.asgi``) and the sandbox (``onstage.testing``): the type aliases, reading a
request body and answering the lifespan protocol."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeAlias

__all__ = ["ASGIApp", "BodyOverLimit", "Message", "Receive", "Scope", "Send", "lifespan", "read_body"]

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]
ASGIApp: TypeAlias = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyOverLimit(Exception):
    """Raised by ``read_body`` when the body passes its limit (``size``: bytes read so far)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


async def read_body(receive: Receive, limit: int | None = None) -> bytes | None:
    """The whole request body (``BodyOverLimit`` past ``limit`` bytes), or ``None`` if the client
    went away first."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if limit is not None and size > limit:
            raise BodyOverLimit(size)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def lifespan(receive: Receive, send: Send) -> None:
    """Answer an ASGI server's startup and shutdown (nothing to set up)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
