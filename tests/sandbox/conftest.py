from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import anyio.abc
import pytest

from onstage.testing import Sandbox


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sandbox:
        yield sandbox


class Receiver:
    """A tiny HTTP endpoint on 127.0.0.1 recording webhook deliveries (raw anyio sockets)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.url = ""
        self.status = 200

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            data = b""
            while b"\r\n\r\n" not in data:
                data += await stream.receive()
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {
                k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])
            }
            length = int(headers.get("content-length", "0"))
            while len(body) < length:
                body += await stream.receive()
            self.received.append((headers, body))
            await stream.send(
                f"HTTP/1.1 {self.status} OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".encode()
            )


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    rec.url = f"http://127.0.0.1:{listener.extra(anyio.abc.SocketAttribute.local_port)}/hook"
    async with anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, rec.handle)
        yield rec
        tg.cancel_scope.cancel()
    await listener.aclose()
