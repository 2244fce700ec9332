"""``onstage._aiohttp.AiohttpTransport`` against the default ``httpx2.AsyncHTTPTransport``.

Every misbehaving-server case runs on both transports and asserts the *same* exception type, raised at
the same place (``handle_async_request`` or reading the body): the runtime's retry rules decide from
those types whether a request may have been applied. Servers are tiny loopback sockets
(``tests/transport/_servers.py``); nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Literal

import anyio
import httpx2
import pytest

from onstage._aiohttp import AiohttpTransport, check_backend_supported
from onstage._errors import ConfigurationError
from tests.transport._servers import (
    Conn,
    closed_port,
    full_backlog,
    hang,
    make_certs,
    serve,
    serve_tls,
)

Kind = Literal["default", "aiohttp"]
KINDS = pytest.mark.parametrize("kind", ["default", "aiohttp"])

TIMEOUT = {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # aiohttp is asyncio only; the trio tests parametrize this themselves


@pytest.fixture(autouse=True)
def _no_env_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner's proxy variables must not route loopback tests (trust_env is on by default)."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def make(kind: Kind, **options: Any) -> httpx2.AsyncBaseTransport:
    if kind == "default":
        return httpx2.AsyncHTTPTransport(**options)
    return AiohttpTransport(**options)


def request(
    url: str, method: str = "GET", *, content: Any = None, headers: Any = None, **timeouts: float | None
) -> httpx2.Request:
    return httpx2.Request(
        method, url, content=content, headers=headers, extensions={"timeout": {**TIMEOUT, **timeouts}}
    )


async def fetch(transport: httpx2.AsyncBaseTransport, req: httpx2.Request) -> tuple[httpx2.Response, bytes]:
    """What the runtime does: send, read the body, close."""
    response = await transport.handle_async_request(req)
    try:
        return response, await response.aread()
    finally:
        await response.aclose()


def check_mapped(kind: Kind, exc: BaseException, req: httpx2.Request) -> None:
    """Our exceptions carry the request and are chained to aiohttp's."""
    if kind == "aiohttp":
        assert isinstance(exc, httpx2.RequestError)
        assert exc.request is req
        assert exc.__cause__ is not None


# -- handlers --------------------------------------------------------------------------------------
async def ok(conn: Conn) -> None:
    """Answer every request on the connection (keep-alive) with 200 ``ok``."""
    while True:
        await conn.read_request()
        await conn.respond(body=b"ok")


async def reset_unread(conn: Conn) -> None:
    await conn.wait_readable()
    conn.reset()


async def close_unread(conn: Conn) -> None:
    # Closing with the request unread in the kernel buffer makes the kernel answer with RST.
    await conn.wait_readable()
    conn.close()


async def read_then_close(conn: Conn) -> None:
    await conn.read_request()
    conn.close()


async def read_then_reset(conn: Conn) -> None:
    await conn.read_request()
    conn.reset()


async def never_answer(conn: Conn) -> None:
    await conn.read_request()
    await hang(conn)


async def truncated_length(conn: Conn) -> None:
    await conn.read_request()
    await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
    await asyncio.sleep(0.02)
    conn.close()


async def truncated_chunked(conn: Conn) -> None:
    await conn.read_request()
    await conn.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n8\r\nwor")
    await asyncio.sleep(0.02)
    conn.close()


async def reset_mid_body(conn: Conn) -> None:
    await conn.read_request()
    await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
    await asyncio.sleep(0.02)
    conn.reset()


async def reset_after_eof_delimited_body(conn: Conn) -> None:
    await conn.read_request()
    await conn.send(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nno length, ends with the connection")
    await asyncio.sleep(0.02)
    conn.reset()


async def stall_mid_body(conn: Conn) -> None:
    await conn.read_request()
    await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
    await hang(conn)


async def bad_status_line(conn: Conn) -> None:
    await conn.read_request()
    await conn.send(b"HTTP/1.1 twohundred OK\r\n\r\n")
    await hang(conn)


# -- connecting ------------------------------------------------------------------------------------
@KINDS
@pytest.mark.anyio
async def test_connection_refused_is_connect_error(kind: Kind) -> None:
    req = request(f"http://127.0.0.1:{closed_port()}/")
    async with make(kind) as transport:
        with pytest.raises(httpx2.ConnectError) as info:
            await transport.handle_async_request(req)
    check_mapped(kind, info.value, req)


@pytest.fixture
def failing_dns(monkeypatch: pytest.MonkeyPatch) -> str:
    """``*.dns-fails.test`` does not resolve (no resolver is asked: getaddrinfo itself fails)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, (str, bytes)) and (host.decode() if isinstance(host, bytes) else host).endswith(
            "dns-fails.test"
        ):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return "api.dns-fails.test"


@KINDS
@pytest.mark.anyio
async def test_dns_failure_is_connect_error(kind: Kind, failing_dns: str) -> None:
    req = request(f"http://{failing_dns}/")
    async with make(kind) as transport:
        with pytest.raises(httpx2.ConnectError) as info:
            await transport.handle_async_request(req)
    check_mapped(kind, info.value, req)


@KINDS
@pytest.mark.anyio
async def test_no_syn_ack_is_connect_timeout(kind: Kind) -> None:
    with full_backlog() as port:
        req = request(f"http://127.0.0.1:{port}/", connect=0.2)
        async with make(kind) as transport:
            with pytest.raises(httpx2.ConnectTimeout) as info:
                await transport.handle_async_request(req)
    check_mapped(kind, info.value, req)


# -- the server drops the connection before answering ----------------------------------------------
DROPS = [
    pytest.param(reset_unread, httpx2.ReadError, id="reset-before-reading"),
    pytest.param(close_unread, httpx2.ReadError, id="close-with-request-unread"),
    pytest.param(read_then_close, httpx2.RemoteProtocolError, id="read-then-close"),
    pytest.param(read_then_reset, httpx2.ReadError, id="read-then-reset"),
    pytest.param(bad_status_line, httpx2.RemoteProtocolError, id="bad-status-line"),
]


@KINDS
@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(("handler", "expected"), DROPS)
@pytest.mark.anyio
async def test_dropped_before_response(kind: Kind, method: str, handler: Any, expected: type) -> None:
    async with serve(handler) as server, make(kind) as transport:
        req = request(server.url + "/x", method, content=b'{"a": 1}' if method == "POST" else None)
        with pytest.raises(httpx2.TransportError) as info:
            await transport.handle_async_request(req)
        assert type(info.value) is expected
        assert server.connections == 1  # sent once: neither transport resends by itself
    check_mapped(kind, info.value, req)
    if handler is read_then_close:
        assert str(info.value) == "Server disconnected without sending a response."


@KINDS
@pytest.mark.anyio
async def test_no_answer_is_read_timeout(kind: Kind) -> None:
    async with serve(never_answer) as server, make(kind) as transport:
        req = request(server.url, read=0.2)
        started = time.monotonic()
        with pytest.raises(httpx2.ReadTimeout) as info:
            await transport.handle_async_request(req)
        assert 0.15 < time.monotonic() - started < 1.5
    check_mapped(kind, info.value, req)


@KINDS
@pytest.mark.anyio
async def test_undrained_request_body_is_write_timeout(kind: Kind) -> None:
    # The server never reads and offers a tiny receive window: the body cannot be handed over.
    async with serve(hang, rcvbuf=4096) as server, make(kind) as transport:
        req = request(server.url, "POST", content=b"x" * (32 * 1024 * 1024), write=0.2, read=0.2)
        with pytest.raises(httpx2.WriteTimeout) as info:
            await transport.handle_async_request(req)
    check_mapped(kind, info.value, req)


# -- the body ----------------------------------------------------------------------------------------
BODY_FAILURES = [
    pytest.param(truncated_length, httpx2.RemoteProtocolError, id="truncated-content-length"),
    pytest.param(truncated_chunked, httpx2.RemoteProtocolError, id="truncated-chunked"),
    pytest.param(reset_mid_body, httpx2.ReadError, id="reset-mid-body"),
    pytest.param(reset_after_eof_delimited_body, httpx2.ReadError, id="reset-ends-eof-delimited-body"),
]


@KINDS
@pytest.mark.parametrize(("handler", "expected"), BODY_FAILURES)
@pytest.mark.anyio
async def test_body_failures_surface_when_reading(kind: Kind, handler: Any, expected: type) -> None:
    async with serve(handler) as server, make(kind) as transport:
        req = request(server.url)
        response = await transport.handle_async_request(req)  # the headers were fine
        assert response.status_code == 200
        with pytest.raises(httpx2.TransportError) as info:
            await response.aread()
        await response.aclose()
        assert type(info.value) is expected
    check_mapped(kind, info.value, req)


@KINDS
@pytest.mark.anyio
async def test_stalled_body_is_read_timeout(kind: Kind) -> None:
    async with serve(stall_mid_body) as server, make(kind) as transport:
        req = request(server.url, read=0.2)
        response = await transport.handle_async_request(req)
        with pytest.raises(httpx2.ReadTimeout) as info:
            await response.aread()
        await response.aclose()
    check_mapped(kind, info.value, req)


@KINDS
@pytest.mark.anyio
async def test_gzip_is_decoded_by_httpx2_and_a_lying_header_is_a_decoding_error(kind: Kind) -> None:
    payload = b'{"hello": "world"}' * 50

    async def handler(conn: Conn) -> None:
        while True:
            req = await conn.read_request()
            body = gzip.compress(payload) if req.line.startswith(b"GET /gzip") else b"not gzip at all"
            await conn.respond(body=body, headers=[("Content-Encoding", "gzip")])

    async with serve(handler) as server, make(kind) as transport:
        response, body = await fetch(transport, request(server.url + "/gzip"))
        assert body == payload
        assert response.headers["content-encoding"] == "gzip"
        response = await transport.handle_async_request(request(server.url + "/liar"))
        with pytest.raises(httpx2.DecodingError):
            await response.aread()
        await response.aclose()
        # The connection (its body fully received) is fine for the next request.
        _, body = await fetch(transport, request(server.url + "/gzip"))
        assert body == payload


@KINDS
@pytest.mark.anyio
async def test_response_shape(kind: Kind) -> None:
    async def handler(conn: Conn) -> None:
        await conn.read_request()
        await conn.send(
            b"HTTP/1.1 201 Made It\r\nX-Dup: a\r\nSet-Cookie: a=1\r\nX-Dup: b\r\nSet-Cookie: b=2\r\n"
            b"Content-Length: 2\r\n\r\nhi"
        )
        await hang(conn)

    async with serve(handler) as server, make(kind) as transport:
        response, body = await fetch(transport, request(server.url))
    assert (response.status_code, body, response.reason_phrase) == (201, b"hi", "Made It")
    assert response.headers.get_list("x-dup") == ["a", "b"]
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert response.extensions["http_version"] == b"HTTP/1.1"


@KINDS
@pytest.mark.anyio
async def test_bodyless_responses_keep_the_connection(kind: Kind) -> None:
    async def handler(conn: Conn) -> None:
        while True:
            req = await conn.read_request()
            if req.line.startswith(b"HEAD"):
                await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n")
            else:
                await conn.send(b"HTTP/1.1 204 No Content\r\n\r\n")

    async with serve(handler) as server, make(kind, limits=httpx2.Limits(max_connections=1)) as transport:
        for method in ("HEAD", "DELETE", "HEAD", "DELETE"):
            response, body = await fetch(transport, request(server.url, method, pool=0.5))
            assert (response.status_code, body) == ((200 if method == "HEAD" else 204), b"")
    assert server.connections == 1


# -- what goes on the wire -------------------------------------------------------------------------
def _requests(url: str) -> Iterator[httpx2.Request]:
    yield request(url + "/a?b=c%20d", headers={"X-Custom": "1", "Authorization": "Bearer t"})
    yield request(url + "/post", "POST", content=b'{"a": 1}', headers={"Content-Type": "application/json"})
    yield request(url + "/empty-post", "POST")
    yield request(url + "/delete", "DELETE")


@pytest.mark.anyio
async def test_requests_on_the_wire_are_the_same() -> None:
    """aiohttp adds no User-Agent/Accept/Accept-Encoding/Content-Type/second Host of its own."""
    async with serve(ok) as server:
        for kind in ("default", "aiohttp"):
            async with make(kind) as transport:
                for req in _requests(server.url):
                    await fetch(transport, req)
    default, ours = server.requests[:4], server.requests[4:]
    assert len(ours) == 4
    for expected, got in zip(default, ours, strict=True):
        assert got.line == expected.line
        assert sorted((k.lower(), v) for k, v in got.headers) == sorted(
            (k.lower(), v) for k, v in expected.headers
        )
        assert got.body == expected.body


@KINDS
@pytest.mark.anyio
async def test_streaming_request_body(kind: Kind) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for part in (b"hello ", b"streamed ", b"world"):
            yield part

    async with serve(ok) as server, make(kind) as transport:
        req = httpx2.Request("POST", server.url, content=chunks(), extensions={"timeout": TIMEOUT})
        _, body = await fetch(transport, req)
        assert body == b"ok"
        [received] = server.requests
    assert received.body == b"hello streamed world"


class Boom(Exception):
    pass


@KINDS
@pytest.mark.anyio
async def test_a_failing_request_stream_propagates_its_own_exception(kind: Kind) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"part"
        raise Boom("the caller's stream failed")

    async with serve(ok) as server, make(kind) as transport:
        req = httpx2.Request("POST", server.url, content=chunks(), extensions={"timeout": TIMEOUT})
        with pytest.raises(Boom):
            await transport.handle_async_request(req)
        _, body = await fetch(transport, request(server.url))  # the transport is fine afterwards
    assert body == b"ok"


@KINDS
@pytest.mark.anyio
async def test_no_cookies_kept_and_connections_reused(kind: Kind) -> None:
    async def handler(conn: Conn) -> None:
        while True:
            await conn.read_request()
            await conn.respond(headers=[("Set-Cookie", "session=secret; Path=/")])

    async with serve(handler) as server, make(kind) as transport:
        for _ in range(3):
            await fetch(transport, request(server.url + "/"))
    assert [r.header(b"cookie") for r in server.requests] == [None, None, None]
    assert server.connections == 1  # keep-alive


# -- the pool --------------------------------------------------------------------------------------
async def slow_ok(conn: Conn) -> None:
    while True:
        await conn.read_request()
        await asyncio.sleep(0.05)
        await conn.respond(body=b"ok")


@KINDS
@pytest.mark.anyio
async def test_max_connections_is_respected(kind: Kind) -> None:
    async with serve(slow_ok) as server, make(kind, limits=httpx2.Limits(max_connections=2)) as transport:
        results: list[bytes] = []

        async def one() -> None:
            results.append((await fetch(transport, request(server.url)))[1])

        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(one)
    assert results == [b"ok"] * 6
    assert server.peak == 2
    assert server.connections == 2


@KINDS
@pytest.mark.anyio
async def test_busy_pool_is_pool_timeout_not_connect_timeout(kind: Kind) -> None:
    async with (
        serve(never_answer) as server,
        make(kind, limits=httpx2.Limits(max_connections=1)) as transport,
        anyio.create_task_group() as tg,
    ):
        held = anyio.Event()

        async def hold() -> None:
            with pytest.raises(httpx2.ReadTimeout):
                held.set()
                await transport.handle_async_request(request(server.url, read=5))

        tg.start_soon(hold)
        await held.wait()
        while server.connections == 0:
            await anyio.sleep(0.005)
        req = request(server.url, pool=0.1)
        with pytest.raises(httpx2.PoolTimeout) as info:
            await transport.handle_async_request(req)
        tg.cancel_scope.cancel()
    check_mapped(kind, info.value, req)


async def stall_or_ok(conn: Conn) -> None:
    while True:
        req = await conn.read_request()
        if req.line.startswith(b"GET /stall"):
            await conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
            await hang(conn)
        await conn.respond(body=b"fine")


@KINDS
@pytest.mark.anyio
async def test_cancelled_requests_leave_no_connection_behind(kind: Kind) -> None:
    limits = httpx2.Limits(max_connections=2)
    async with serve(stall_or_ok) as server, make(kind, limits=limits) as transport:
        for i in range(20):
            # Cancelled at various points: connecting, waiting for headers, reading the body.
            with anyio.move_on_after(0.001 * (i % 4)) as scope:
                await fetch(transport, request(server.url + "/stall"))
            assert scope.cancelled_caught
        bodies: list[bytes] = []

        async def one() -> None:
            bodies.append((await fetch(transport, request(server.url + "/fine", pool=0.5)))[1])

        with anyio.fail_after(2):
            async with anyio.create_task_group() as tg:
                tg.start_soon(one)
                tg.start_soon(one)
    assert bodies == [b"fine", b"fine"]


@KINDS
@pytest.mark.anyio
async def test_closing_a_partly_read_response_frees_its_slot(kind: Kind) -> None:
    async with serve(stall_or_ok) as server, make(kind, limits=httpx2.Limits(max_connections=1)) as transport:
        response = await transport.handle_async_request(request(server.url + "/stall"))
        async for chunk in response.aiter_raw():
            assert chunk
            break
        await response.aclose()
        _, body = await fetch(transport, request(server.url + "/fine", pool=0.5))
    assert body == b"fine"


# -- TLS -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_certs(tmp_path_factory.mktemp("certs"))


@KINDS
@pytest.mark.anyio
async def test_tls_unknown_ca_is_connect_error_and_the_ca_file_works(kind: Kind, certs: Any) -> None:
    async with serve_tls(certs.server_context) as port:
        url = f"https://127.0.0.1:{port}/"
        req = request(url)
        async with make(kind) as transport:
            with pytest.raises(httpx2.ConnectError) as info:
                await transport.handle_async_request(req)
        check_mapped(kind, info.value, req)
        # httpx2 deprecates verify=<path> (a DeprecationWarning); onstage's aiohttp option takes one.
        verify = str(certs.ca_file) if kind == "aiohttp" else ssl.create_default_context(cafile=certs.ca_file)
        async with make(kind, verify=verify) as transport:
            response, body = await fetch(transport, request(url))
        assert (response.status_code, body) == (200, b"tls ok")
        async with make(kind, verify=False) as transport:
            _, body = await fetch(transport, request(url))
        assert body == b"tls ok"


@KINDS
@pytest.mark.anyio
async def test_ssl_cert_file_applies_to_verify_true_under_trust_env(
    kind: Kind, certs: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca_file))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    async with serve_tls(certs.server_context) as port:
        async with make(kind) as transport:
            _, body = await fetch(transport, request(f"https://127.0.0.1:{port}/"))
        assert body == b"tls ok"
        async with make(kind, trust_env=False) as transport:
            with pytest.raises(httpx2.ConnectError):
                await transport.handle_async_request(request(f"https://127.0.0.1:{port}/"))


@KINDS
@pytest.mark.anyio
async def test_tls_handshake_failure_is_connect_error(kind: Kind) -> None:
    async def plain_http(conn: Conn) -> None:  # answers a TLS ClientHello in plain HTTP
        await conn.recv_some()
        await conn.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await hang(conn)

    async with serve(plain_http) as server, make(kind) as transport:
        req = request(server.url.replace("http://", "https://"))
        with pytest.raises(httpx2.ConnectError) as info:
            await transport.handle_async_request(req)
    check_mapped(kind, info.value, req)


# -- proxies ---------------------------------------------------------------------------------------
async def forward_proxy(conn: Conn) -> None:
    """Records the absolute-form request line and answers itself."""
    while True:
        await conn.read_request()
        await conn.respond(body=b"via proxy")


@KINDS
@pytest.mark.anyio
async def test_proxy_gets_absolute_form_requests(kind: Kind) -> None:
    async with serve(forward_proxy) as proxy, make(kind, proxy=proxy.url) as transport:
        _, body = await fetch(transport, request("http://upstream.test:8080/path?q=1"))
    assert body == b"via proxy"
    assert [r.line for r in proxy.requests] == [b"GET http://upstream.test:8080/path?q=1 HTTP/1.1"]


@pytest.mark.parametrize(
    ("trust_env", "no_proxy", "via_proxy"),
    [(True, None, True), (False, None, False), (True, "127.0.0.1", False), (True, "example.com,*", False)],
)
@pytest.mark.anyio
async def test_env_proxies_follow_trust_env(
    monkeypatch: pytest.MonkeyPatch, trust_env: bool, no_proxy: str | None, via_proxy: bool
) -> None:
    async with serve(forward_proxy) as proxy, serve(ok) as origin:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        if no_proxy is not None:
            monkeypatch.setenv("NO_PROXY", no_proxy)
        async with AiohttpTransport(trust_env=trust_env) as transport:
            _, body = await fetch(transport, request(origin.url + "/x"))
    assert body == (b"via proxy" if via_proxy else b"ok")
    assert len(proxy.requests) == int(via_proxy)


@KINDS
@pytest.mark.anyio
async def test_unreachable_proxy_is_connect_error(kind: Kind) -> None:
    req = request("http://upstream.test/")
    async with make(kind, proxy=f"http://127.0.0.1:{closed_port()}") as transport:
        with pytest.raises(httpx2.ConnectError) as info:
            await transport.handle_async_request(req)
    check_mapped(kind, info.value, req)


@KINDS
@pytest.mark.anyio
async def test_refused_connect_tunnel_is_proxy_error(kind: Kind) -> None:
    async def refusing_proxy(conn: Conn) -> None:
        await conn.read_request()
        await conn.respond(407, b"", headers=[("Proxy-Authenticate", "Basic")])
        await hang(conn)

    req = request("https://upstream.test/")
    async with serve(refusing_proxy) as proxy:
        async with make(kind, proxy=proxy.url.replace("http://", "http://user:p%40ss@")) as transport:
            with pytest.raises(httpx2.ProxyError) as info:
                await transport.handle_async_request(req)
        [connect] = proxy.requests
        assert connect.line == b"CONNECT upstream.test:443 HTTP/1.1"
        assert connect.header(b"proxy-authorization") == b"Basic dXNlcjpwQHNz"
    check_mapped(kind, info.value, req)


@KINDS
@pytest.mark.anyio
async def test_proxy_credentials_in_the_url_are_sent_to_the_proxy(kind: Kind) -> None:
    async with serve(forward_proxy) as proxy:
        url = proxy.url.replace("http://", "http://user:p%40ss@")
        async with make(kind, proxy=url) as transport:
            await fetch(transport, request("http://upstream.test/"))
    [seen] = proxy.requests
    assert seen.header(b"proxy-authorization") == b"Basic dXNlcjpwQHNz"  # user:p@ss


def test_proxy_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigurationError, match="SOCKS"):
        AiohttpTransport(proxy="socks5://127.0.0.1:1080")
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(ConfigurationError, match="SOCKS"):
        AiohttpTransport()  # read at construction, as httpx2.AsyncClient reads it
    AiohttpTransport(trust_env=False)


@pytest.mark.parametrize(
    ("host", "no_proxy", "exempt"),
    [
        ("api.example.com", "example.com", True),
        ("example.com", "example.com", True),
        ("notexample.com", "example.com", False),
        ("example.com", ".example.com", False),
        ("api.example.com", "*.example.com", True),
        ("anything", "other.org, *", True),
        ("127.0.0.1", "localhost,127.0.0.1:8080", True),
        ("::1", "[::1]", True),
        ("api.example.com", "", False),
    ],
)
def test_no_proxy_matching(host: str, no_proxy: str, exempt: bool) -> None:
    from onstage._aiohttp import _no_proxy

    assert _no_proxy(host, no_proxy) is exempt


# -- event loops -----------------------------------------------------------------------------------
@pytest.mark.parametrize("anyio_backend", ["trio"])
@pytest.mark.anyio
async def test_trio_is_refused_with_a_pointer_to_the_default_backend(anyio_backend: str) -> None:
    with pytest.raises(ConfigurationError, match="asyncio") as info:
        check_backend_supported()
    assert "trio" in str(info.value)
    transport = AiohttpTransport()
    with pytest.raises(ConfigurationError, match="default backend"):
        await transport.handle_async_request(request("http://127.0.0.1:1/"))
    await transport.aclose()


@pytest.mark.anyio
async def test_asyncio_and_no_loop_are_supported() -> None:
    check_backend_supported()
    await anyio.to_thread.run_sync(check_backend_supported)  # a thread with no event loop


@pytest.mark.anyio
async def test_aclose_is_idempotent_and_final() -> None:
    async with serve(ok) as server:
        transport = AiohttpTransport()
        await fetch(transport, request(server.url))
        await transport.aclose()
        await transport.aclose()
        with pytest.raises(RuntimeError, match="closed"):
            await transport.handle_async_request(request(server.url))


# -- imports ---------------------------------------------------------------------------------------
def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_import_onstage_does_not_import_aiohttp_and_a_missing_aiohttp_is_a_configuration_error() -> None:
    out = _run(
        """
        import sys
        import onstage
        print("aiohttp" in sys.modules, "onstage._aiohttp" in sys.modules)
        sys.modules["aiohttp"] = None  # from here on, import aiohttp raises ImportError
        from onstage._aiohttp import AiohttpTransport
        from onstage._errors import ConfigurationError
        try:
            AiohttpTransport()
        except ConfigurationError as exc:
            print(exc)
        """
    )
    first, message = out.split("\n", 1)
    assert first.split() == ["False", "False"]
    assert "pip install 'onstage[aiohttp]'" in message
