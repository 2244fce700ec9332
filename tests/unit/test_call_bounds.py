"""Bounds on a call (``total_timeout=``, ``max_response_bytes=``) and the unknown outcome of a create
whose connection failed after it was sent (``maybe_applied``), issue finding 5.

Every test here fails on the code before this round (``feb37e9``): it had no ``total_timeout``, no
``max_response_bytes`` and no ``maybe_applied``. (Checked against ``67fcfdb``'s ``src/``, the same
runtime already on httpx2: every test fails there.) The comment on each test says what it covers.
Deadline tests use real (small) waits: ``Retry-After: 0.05`` and a server that sleeps.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import httpx2
import pytest

import onstage
from onstage import RealtimeKit, TPStreams, Webinar
from onstage.testing import backoff_scale

pytestmark = pytest.mark.anyio

# The deadline is checked against these: the call must end by total_timeout + SLACK.
SLACK = 0.25
MEETING = {
    "id": "m-1",
    "title": "t",
    "status": "ACTIVE",
    "created_at": "2026-11-01T10:00:00Z",
    "updated_at": "2026-11-01T10:00:00Z",
}
ENVELOPED = {"success": True, "data": MEETING}

Handler = Callable[[httpx2.Request], Any]


class Server:
    """A MockTransport handler (sync or async behaviour) that counts what it was sent."""

    def __init__(self, answer: Callable[[httpx2.Request, int], Any]) -> None:
        self.answer = answer
        self.requests: list[httpx2.Request] = []

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        result = self.answer(request, len(self.requests))
        if hasattr(result, "__await__"):
            result = await result
        if isinstance(result, BaseException):
            raise result
        return result  # type: ignore[no-any-return]


def rtk(server: Server, **kw: Any) -> RealtimeKit:
    return RealtimeKit(
        api_token="rtk-token-0123456789",
        account_id="acc",
        app_id="app",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)),
        **kw,
    )


def tp(server: Server, **kw: Any) -> TPStreams:
    return TPStreams(
        token="tp-token-0123456789",
        organization_id="org1",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)),
        **kw,
    )


def wb(server: Server, **kw: Any) -> Webinar:
    return Webinar(
        api_key="wb-key-0123456789",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)),
        **kw,
    )


def unavailable(request: httpx2.Request, n: int) -> httpx2.Response:
    return httpx2.Response(
        503,
        json={"success": False, "error": {"code": 503, "message": "busy"}},
        headers={"Retry-After": "0.05"},
    )


async def hang(request: httpx2.Request, n: int) -> httpx2.Response:
    await anyio.sleep(30)
    return httpx2.Response(200, json=ENVELOPED)


class Clock:
    def __enter__(self) -> Clock:
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc: object) -> None:
        self.elapsed = time.monotonic() - self.start


# ================================================================================================
# total_timeout
# ================================================================================================
# Bounds: a client's total_timeout ends a GET that keeps answering 503 (max_retries=10, each retry
# waiting Retry-After 0.05 s) with APITimeoutError within total_timeout + slack, counting the
# attempts and the waits. Old code: no total_timeout (an unknown keyword argument).
async def test_client_total_timeout_bounds_a_retrying_get() -> None:
    server = Server(unavailable)
    async with rtk(server, max_retries=10, total_timeout=0.3) as client:
        with anyio.fail_after(5), Clock() as clock, pytest.raises(onstage.APITimeoutError) as info:
            await client.meetings.get("m-1")
    assert clock.elapsed <= 0.3 + SLACK
    assert 2 <= len(server.requests) <= 11  # it did retry, and stopped at the deadline
    assert "total_timeout" in str(info.value)


# Bounds: a server that answers slowly AND with 503: the deadline counts attempt time and waits
# together. Attempts take 0.1 s and waits 0.05 s, so the 4th attempt (from 0.45 s) is cut at the
# 0.5 s deadline; 10 retries would take ~1.5 s.
async def test_total_timeout_counts_attempts_and_waits_together() -> None:
    async def slow_503(request: httpx2.Request, n: int) -> httpx2.Response:
        await anyio.sleep(0.1)
        return unavailable(request, n)

    server = Server(slow_503)
    async with rtk(server, max_retries=10, total_timeout=0.5) as client:
        with anyio.fail_after(5), Clock() as clock, pytest.raises(onstage.APITimeoutError):
            await client.meetings.get("m-1")
    assert 0.45 <= clock.elapsed <= 0.5 + SLACK
    assert 3 <= len(server.requests) <= 4


# Bounds: a server that never answers: the call ends with APITimeoutError at total_timeout, even
# though the per-attempt timeout is far longer. Old code: waited for the server (30 s here).
@pytest.mark.parametrize("make", [rtk, tp, wb], ids=["realtimekit", "tpstreams", "webinar"])
async def test_client_total_timeout_bounds_a_hanging_server(make: Callable[..., Any]) -> None:
    server = Server(hang)
    async with make(server, timeout=60, total_timeout=0.2) as client:
        call = {
            RealtimeKit: lambda: client.meetings.get("m-1"),
            TPStreams: lambda: client.assets.get("a-1"),
            Webinar: lambda: client.rooms.get("r-1"),
        }[type(client)]
        with anyio.fail_after(5), Clock() as clock, pytest.raises(onstage.APITimeoutError) as info:
            await call()
    assert 0.15 <= clock.elapsed <= 0.2 + SLACK
    assert "total_timeout" in str(info.value)


# Bounds + finding 5: a create cut off by total_timeout may have been applied: maybe_applied=True,
# the message says so, and it was sent exactly once.
async def test_total_timeout_on_a_create_says_it_may_have_been_applied() -> None:
    server = Server(hang)
    async with rtk(server, max_retries=5, total_timeout=0.2) as client:
        with anyio.fail_after(5), Clock() as clock, pytest.raises(onstage.APITimeoutError) as info:
            await client.meetings.create(title="once")
    assert clock.elapsed <= 0.2 + SLACK
    assert info.value.maybe_applied is True
    assert "may have" in str(info.value) and "applied" in str(info.value)
    assert len(server.requests) == 1


# Bounds: total_timeout per call, on a client without one (the facade's total_timeout= argument).
# Old code: no such argument.
async def test_per_call_total_timeout() -> None:
    server = Server(unavailable)
    async with rtk(server, max_retries=10) as client:
        with anyio.fail_after(5), Clock() as clock, pytest.raises(onstage.APITimeoutError):
            await client.meetings.get("m-1", total_timeout=0.25)
    assert clock.elapsed <= 0.25 + SLACK
    assert len(server.requests) >= 2


# Bounds: a per-call total_timeout overrides the client's, both ways (None lifts it).
async def test_per_call_total_timeout_overrides_the_clients() -> None:
    def slow_then_ok(request: httpx2.Request, n: int) -> Any:
        async def answer() -> httpx2.Response:
            await anyio.sleep(0.3)
            return httpx2.Response(200, json=ENVELOPED)

        return answer()

    server = Server(slow_then_ok)
    async with rtk(server, total_timeout=0.1) as client:
        with anyio.fail_after(5):
            meeting = await client.meetings.get("m-1", total_timeout=None)
            assert meeting.id == "m-1"
            with pytest.raises(onstage.APITimeoutError):
                await client.meetings.get("m-1")
            with pytest.raises(onstage.APITimeoutError):
                await client.with_options(total_timeout=5).meetings.get("m-1", total_timeout=0.1)


# Bounds: total_timeout through with_options(...) (per copy), on a client without one.
async def test_with_options_total_timeout() -> None:
    server = Server(hang)
    async with rtk(server) as client:
        bounded = client.with_options(total_timeout=0.2)
        with anyio.fail_after(5), Clock() as clock, pytest.raises(onstage.APITimeoutError):
            await bounded.meetings.get("m-1")
    assert clock.elapsed <= 0.2 + SLACK


# Bounds: a server that asks for a wait longer than what is left of the deadline ends the call
# at once with APITimeoutError (it does not sleep past the deadline, nor ignore the deadline).
async def test_retry_after_longer_than_the_deadline() -> None:
    server = Server(lambda request, n: httpx2.Response(503, json={}, headers={"Retry-After": "3"}))
    async with rtk(server, max_retries=3, total_timeout=0.5) as client:
        with anyio.fail_after(5), Clock() as clock, pytest.raises(onstage.APITimeoutError):
            await client.meetings.get("m-1")
    assert clock.elapsed <= 0.5 + SLACK
    assert len(server.requests) == 1


# Bounds: total_timeout is checked like the other settings (ConfigurationError at construction).
@pytest.mark.parametrize("value", [-1, "1", float("nan"), float("inf"), True])
def test_bad_total_timeout_is_a_configuration_error(value: Any) -> None:
    with pytest.raises(onstage.ConfigurationError, match="total_timeout"):
        rtk(Server(unavailable), total_timeout=value)


# ================================================================================================
# max_response_bytes
# ================================================================================================
class Body:
    """A streamed body that records how much of it was read."""

    def __init__(self, chunks: int, size: int = 1000) -> None:
        self.chunks = chunks
        self.size = size
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.sent += 1
            yield b" " * self.size


# Bounds: a Content-Length over max_response_bytes is refused without reading the body:
# ResponseTooLargeError (an OnstageError) with the limit and the announced size. Old code: read it
# all into memory (no max_response_bytes at all).
async def test_announced_length_over_the_cap_is_refused_unread() -> None:
    body = Body(chunks=100)
    server = Server(
        lambda request, n: httpx2.Response(200, headers={"content-length": "100000"}, content=body)
    )
    async with rtk(server, max_response_bytes=10_000, max_retries=3) as client:
        with pytest.raises(onstage.APIError) as info:
            await client.meetings.get("m-1")
    err = info.value
    assert type(err).__name__ == "ResponseTooLargeError"
    assert isinstance(err, onstage.ResponseTooLargeError) and isinstance(err, onstage.OnstageError)
    assert (err.limit, err.size) == (10_000, 100_000)
    assert body.sent == 0  # not a byte read
    assert len(server.requests) == 1  # and not retried
    assert "max_response_bytes" in str(err)


# Bounds: a streamed body (no Content-Length) that grows past the cap: reading stops there.
async def test_streamed_body_over_the_cap_stops_reading() -> None:
    body = Body(chunks=1000)  # 1 MB
    server = Server(lambda request, n: httpx2.Response(200, content=body))
    async with rtk(server, max_response_bytes=5_000) as client:
        with pytest.raises(onstage.ResponseTooLargeError) as info:
            await client.meetings.get("m-1")
    assert info.value.limit == 5_000 and 5_000 < info.value.size <= 6_000
    assert body.sent <= 6


# Bounds: a body of exactly the cap is read and parsed (the cap is inclusive).
async def test_body_at_the_cap_is_accepted() -> None:
    content = httpx2.Response(200, json=ENVELOPED).content
    server = Server(lambda request, n: httpx2.Response(200, content=content))
    async with rtk(server, max_response_bytes=len(content)) as client:
        assert (await client.meetings.get("m-1")).id == "m-1"
    async with rtk(server, max_response_bytes=len(content) - 1) as client:
        with pytest.raises(onstage.ResponseTooLargeError):
            await client.meetings.get("m-1")


# Bounds: max_response_bytes is checked at construction.
@pytest.mark.parametrize("value", [0, -1, "1000", 1.5, True])
def test_bad_max_response_bytes_is_a_configuration_error(value: Any) -> None:
    with pytest.raises(onstage.ConfigurationError, match="max_response_bytes"):
        rtk(Server(unavailable), max_response_bytes=value)


# ================================================================================================
# Finding 5: the unknown outcome of a create
# ================================================================================================
AFTER_SENDING = {
    "read-error": (httpx2.ReadError("connection reset by peer"), onstage.APIConnectionError),
    "remote-protocol": (httpx2.RemoteProtocolError("Server disconnected"), onstage.APIConnectionError),
    "read-timeout": (httpx2.ReadTimeout("timed out"), onstage.APITimeoutError),
}
CREATES: dict[str, tuple[Callable[..., Any], Callable[[Any], Any]]] = {
    "realtimekit": (rtk, lambda c: c.meetings.create(title="once")),
    "tpstreams": (tp, lambda c: c.live_streams.create(title="once")),
    "webinar": (wb, lambda c: c.rooms.create(title="once")),
}


# Finding 5: a create whose connection fails after the request was sent (reset, dropped, read
# timeout) may have been applied: APIConnectionError/APITimeoutError with maybe_applied=True and a
# message saying so, sent exactly once. Old code: no maybe_applied, nothing in the message.
@pytest.mark.parametrize("api", CREATES.keys())
@pytest.mark.parametrize(("exc", "raised"), AFTER_SENDING.values(), ids=AFTER_SENDING.keys())
async def test_create_cut_off_after_sending_may_have_been_applied(
    api: str, exc: Exception, raised: type[Exception]
) -> None:
    make, create = CREATES[api]
    server = Server(lambda request, n: exc)
    async with make(server, max_retries=3) as client:
        with backoff_scale(0.0), pytest.raises(raised) as info:
            await create(client)
    err = info.value
    assert type(err) is raised
    assert err.maybe_applied is True
    assert "may have" in str(err) and "applied" in str(err)
    assert len(server.requests) == 1


BEFORE_SENDING = {
    "connect-error": (httpx2.ConnectError("connection refused"), onstage.APIConnectionError),
    "connect-timeout": (httpx2.ConnectTimeout("timed out"), onstage.APITimeoutError),
    "pool-timeout": (httpx2.PoolTimeout("no free connection"), onstage.APITimeoutError),
}


# Finding 5: a failure before anything was sent (refused, connect timeout, pool timeout) is
# maybe_applied=False, says nothing about "applied", and IS retried, even for a create.
@pytest.mark.parametrize("api", CREATES.keys())
@pytest.mark.parametrize(("exc", "raised"), BEFORE_SENDING.values(), ids=BEFORE_SENDING.keys())
async def test_create_that_never_left_is_retried_and_not_maybe_applied(
    api: str, exc: Exception, raised: type[Exception]
) -> None:
    make, create = CREATES[api]
    server = Server(lambda request, n: exc)
    async with make(server, max_retries=2) as client:
        with backoff_scale(0.0), pytest.raises(raised) as info:
            await create(client)
    err = info.value
    assert type(err) is raised
    assert err.maybe_applied is False
    assert "applied" not in str(err)
    assert len(server.requests) == 3  # retried twice


# Finding 5: an idempotent GET cut off after sending is retried (and a failure says nothing about
# "applied": reading cannot apply anything).
async def test_get_cut_off_after_sending_is_retried() -> None:
    server = Server(lambda request, n: httpx2.ReadError("reset"))
    async with rtk(server, max_retries=2) as client:
        with backoff_scale(0.0), pytest.raises(onstage.APIConnectionError) as info:
            await client.meetings.get("m-1")
    assert len(server.requests) == 3
    assert "may have been applied" not in str(info.value)
    assert info.value.maybe_applied is True  # it did reach the server; for a GET that is harmless
