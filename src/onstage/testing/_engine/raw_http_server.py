"""The sandbox's HTTP/1.1 server, which can drop a connection mid-response: anyio sockets plus h11's
public state machine.

Why not uvicorn: a fault must be able to drop a connection before (or half-way through) a response,
and ASGI has no message for that. uvicorn only allows it through private attributes of its protocol
objects. Here the app raises :class:`DropConnection` and the server closes the socket. Being anyio
through and through, the server also runs under trio.
"""

from __future__ import annotations

import http
import logging
from typing import Any
from urllib.parse import unquote

import anyio
import anyio.abc
import h11
import httpx2

from .asgi import App, Message, Scope

__all__ = ["DropConnection", "HttpServer"]

_LOG = logging.getLogger("onstage.testing")
_READ = 65536
_SERVER = (b"server", b"onstage-sandbox")
_PHRASES = {int(s): s.phrase.encode() for s in http.HTTPStatus}


class DropConnection(httpx2.RemoteProtocolError):
    """Raised by the app to close the client connection without (the rest of) a response.

    It subclasses ``httpx2.RemoteProtocolError`` so that in process, under ``httpx2.ASGITransport``
    (which re-raises app exceptions), the client sees the same transport error as over a socket.
    """

    def __init__(
        self, message: str = "Server disconnected without sending a response (sandbox fault)."
    ) -> None:
        super().__init__(message)


class _Closed(Exception):
    """The peer went away or broke the protocol: stop serving this connection."""


class HttpServer:
    """Serve one ASGI app on ``host:port`` (``port=0``: any free port, see :attr:`port`)."""

    def __init__(self, app: App, *, host: str = "127.0.0.1", port: int = 0, keep_alive: float = 30.0) -> None:
        self.app = app
        self.host = host
        self.requested_port = port
        self.keep_alive = keep_alive
        self.port: int | None = None

    async def serve(self, *, task_status: anyio.abc.TaskStatus[int] = anyio.TASK_STATUS_IGNORED) -> None:
        """Listen and serve until cancelled; reports the bound port through ``task_status``."""
        listener = await anyio.create_tcp_listener(local_host=self.host, local_port=self.requested_port)
        async with listener:
            self.port = int(listener.extra(anyio.abc.SocketAttribute.local_port))  # noqa: S610
            task_status.started(self.port)
            await listener.serve(self._connection)

    # -- one connection ----------------------------------------------------------------------------
    async def _connection(self, stream: anyio.abc.SocketStream) -> None:
        conn = h11.Connection(h11.SERVER)
        async with stream:
            try:
                while True:
                    event: Any = None  # stays None when the connection idles past keep_alive
                    with anyio.move_on_after(self.keep_alive):
                        event = await self._next(stream, conn)
                    if not isinstance(event, h11.Request):
                        return
                    body = bytearray()
                    while True:
                        part = await self._next(stream, conn)
                        if isinstance(part, h11.Data):
                            body += part.data
                        elif isinstance(part, h11.EndOfMessage):
                            break
                        else:
                            return
                    if not await self._exchange(stream, conn, event, bytes(body)):
                        return
                    if conn.our_state is h11.MUST_CLOSE or conn.their_state is not h11.DONE:
                        return
                    conn.start_next_cycle()
            except h11.RemoteProtocolError as exc:
                await self._plain_error(stream, conn, 400, f"Bad Request: {exc}")
            except _Closed:
                return
            except Exception:  # one broken connection must never take the server down
                _LOG.exception("onstage sandbox: connection handler failed")

    async def _next(self, stream: anyio.abc.SocketStream, conn: h11.Connection) -> Any:
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            if conn.they_are_waiting_for_100_continue:
                await self._write(stream, conn, h11.InformationalResponse(status_code=100, headers=[]))
            try:
                data = await stream.receive(_READ)
            except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
                data = b""
            conn.receive_data(data)

    @staticmethod
    async def _write(stream: anyio.abc.SocketStream, conn: h11.Connection, event: Any) -> None:
        data = conn.send(event)
        if data:
            try:
                await stream.send(data)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError) as exc:
                raise _Closed from exc

    async def _plain_error(
        self, stream: anyio.abc.SocketStream, conn: h11.Connection, status: int, text: str
    ) -> None:
        """A last plain-text answer before the connection closes (if a response can still start)."""
        if conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        body = text.encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            _SERVER,
        ]
        try:
            await self._write(stream, conn, h11.Response(status_code=status, headers=headers))
            await self._write(stream, conn, h11.Data(data=body))
            await self._write(stream, conn, h11.EndOfMessage())
        except (_Closed, h11.LocalProtocolError):
            return

    async def _exchange(
        self, stream: anyio.abc.SocketStream, conn: h11.Connection, request: h11.Request, body: bytes
    ) -> bool:
        """Run the app for one request; False when the connection must be dropped."""
        target = bytes(request.target)
        raw_path, _, query = target.partition(b"?")
        local = stream.extra(anyio.abc.SocketAttribute.local_address)  # noqa: S610 - anyio, not Django
        remote = stream.extra(anyio.abc.SocketAttribute.remote_address)  # noqa: S610
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": request.http_version.decode(),
            "method": request.method.decode(),
            "scheme": "http",
            "path": unquote(raw_path.decode("latin-1")),
            "raw_path": raw_path,
            "query_string": query,
            "root_path": "",
            "headers": [(bytes(k).lower(), bytes(v)) for k, v in request.headers],
            "client": tuple(remote[:2]) if isinstance(remote, tuple) else None,
            "server": tuple(local[:2]) if isinstance(local, tuple) else None,
        }
        head = request.method == b"HEAD"
        delivered = False

        async def receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            # Asked again (the ``timeout`` fault waits for the client to give up): answer
            # ``http.disconnect`` once the client closes its end. Bytes that arrive meanwhile (a
            # pipelined request) stay with h11 for the next cycle.
            while True:
                try:
                    data = await stream.receive(_READ)
                except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
                    return {"type": "http.disconnect"}
                conn.receive_data(data)

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
                reason = _PHRASES.get(status, b"")
                await self._write(
                    stream, conn, h11.Response(status_code=status, headers=[*headers, _SERVER], reason=reason)
                )
            elif message["type"] == "http.response.body":
                data = bytes(message.get("body", b""))
                if data and not head:
                    await self._write(stream, conn, h11.Data(data=data))
                if not message.get("more_body", False):
                    await self._write(stream, conn, h11.EndOfMessage())

        try:
            await self.app(scope, receive, send)
        except (DropConnection, _Closed):
            return False
        except Exception:
            _LOG.exception("onstage sandbox: unhandled error in %s %s", scope["method"], scope["path"])
            await self._plain_error(stream, conn, 500, "Internal Server Error")
            return False
        return conn.our_state is h11.DONE
