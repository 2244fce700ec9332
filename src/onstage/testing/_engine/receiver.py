"""``WebhookReceiver``: a webhook endpoint on 127.0.0.1 that records every delivery it gets."""

from __future__ import annotations

from types import TracebackType
from typing import Self

import anyio
import anyio.abc

from .asgi import Headers, Receive, Scope, Send, read_body
from .raw_http_server import HttpServer

__all__ = ["WebhookReceiver"]


class WebhookReceiver:
    """Point a webhook's ``url`` at ``receiver.url`` to capture the sandbox's (or anyone's) deliveries::

        async with Sandbox() as sb, WebhookReceiver() as receiver:
            client = sb.<api>()                         # any API with webhooks
            await client.webhooks.create(name="ci", url=receiver.url, events=["meeting.started"])
            ...
            await sb.flush_webhooks()
            headers, body = receiver.received[0]        # header names lower-cased, the raw body bytes

    It answers every request with ``status`` (200 by default; set it to simulate a failing endpoint).
    """

    def __init__(self, *, status: int = 200, path: str = "/hook") -> None:
        self.status = status
        self.received: list[tuple[dict[str, str], bytes]] = []
        self._path = path
        self._url: str | None = None
        self._tg: anyio.abc.TaskGroup | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            raise RuntimeError("the receiver is not running: use `async with WebhookReceiver() as r`")
        return self._url

    async def __aenter__(self) -> Self:
        self._tg = await anyio.create_task_group().__aenter__()
        port = await self._tg.start(HttpServer(self._app).serve)
        self._url = f"http://127.0.0.1:{port}{self._path}"
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        tg, self._tg, self._url = self._tg, None, None
        if tg is not None:
            tg.cancel_scope.cancel()
            await tg.__aexit__(None, None, None)

    async def _app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        if body is None:
            return
        self.received.append((dict(Headers(scope["headers"])), body))
        start = {"type": "http.response.start", "status": self.status, "headers": [(b"content-length", b"0")]}
        await send(start)
        await send({"type": "http.response.body", "body": b""})
