"""RealtimeKit public key fetched from the well-known URL: caching, rotation, rate limit, failures."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpx2
import pytest

from onstage._errors import WebhookVerificationError
from onstage.webhooks import MeetingStarted, PublicKeyUnavailableError
from onstage.webhooks import realtimekit as rtk_module
from onstage.webhooks.realtimekit import DEFAULT_KEY_URL, KEY_REFRESH_INTERVAL, WebhookVerifier

from . import payloads
from .conftest import KeyPair

BODY = payloads.dumps(payloads.MEETING_STARTED)
KEY_URL = "https://keys.example.test/.well-known/webhooks.json"


class KeyServer:
    """Serves ``{"success": true, "data": {"publicKey": ...}}`` and counts requests."""

    def __init__(self, pem: str) -> None:
        self.pem = pem
        self.requests: list[httpx2.Request] = []
        self.respond: Callable[[httpx2.Request], httpx2.Response] | None = None

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        await anyio.sleep(0.005)  # a real round trip: lets concurrent deliveries overlap the fetch
        return self.answer(request)

    def blocking(self, request: httpx2.Request) -> httpx2.Response:
        """The same, for a synchronous client (threads overlap the fetch)."""
        self.requests.append(request)
        time.sleep(0.005)
        return self.answer(request)

    def answer(self, request: httpx2.Request) -> httpx2.Response:
        if self.respond is not None:
            return self.respond(request)
        return httpx2.Response(200, json={"success": True, "data": {"publicKey": self.pem}, "message": ""})

    def client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(rtk_module, "_now", c)
    return c


def test_default_key_url() -> None:
    assert DEFAULT_KEY_URL == "https://api.realtime.cloudflare.com/.well-known/webhooks.json"
    assert WebhookVerifier().key_url == DEFAULT_KEY_URL


@pytest.mark.anyio
async def test_key_fetched_once_and_cached(keypair: KeyPair) -> None:
    server = KeyServer(keypair.public_pem)
    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        for _ in range(5):
            event = await verifier.unwrap(BODY, keypair.headers(BODY))
            assert isinstance(event, MeetingStarted)
    assert len(server.requests) == 1
    assert str(server.requests[0].url) == KEY_URL
    assert server.requests[0].method == "GET"


@pytest.mark.anyio
async def test_concurrent_first_deliveries_share_one_fetch(keypair: KeyPair) -> None:
    server = KeyServer(keypair.public_pem)
    results: list[str] = []

    async def deliver(verifier: WebhookVerifier) -> None:
        results.append((await verifier.unwrap(BODY, keypair.headers(BODY))).event)

    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(deliver, verifier)
    assert results == ["meeting.started"] * 20
    assert len(server.requests) == 1


@pytest.mark.anyio
async def test_load_key_then_sync_verify(keypair: KeyPair) -> None:
    server = KeyServer(keypair.public_pem)
    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        await verifier.load_key()
        await verifier.load_key()
        verifier.verify(BODY, keypair.headers(BODY))  # the key loaded asynchronously serves both
    assert len(server.requests) == 1


def sync_server(server: KeyServer) -> httpx2.Client:
    """``server`` behind a synchronous client."""
    return httpx2.Client(transport=httpx2.MockTransport(server.blocking))


def test_sync_methods_fetch_the_key_once_from_many_threads(keypair: KeyPair) -> None:
    """The WSGI path: no ``await`` anywhere; concurrent first deliveries share one blocking fetch."""
    server = KeyServer(keypair.public_pem)
    verifier = WebhookVerifier(key_url=KEY_URL, http_client=sync_server(server))
    assert not verifier.key_loaded
    with ThreadPoolExecutor(max_workers=8) as pool:
        events = list(pool.map(lambda _: verifier.unwrap_sync(BODY, keypair.headers(BODY)), range(32)))
    assert {e.event for e in events} == {"meeting.started"} and verifier.key_loaded
    verifier.load_key_sync()
    assert len(server.requests) == 1


def test_sync_rotation_refetches_once(keypair: KeyPair, other_keypair: KeyPair, clock: Clock) -> None:
    server = KeyServer(keypair.public_pem)
    verifier = WebhookVerifier(key_url=KEY_URL, http_client=sync_server(server))
    verifier.verify(BODY, keypair.headers(BODY))
    clock.now += KEY_REFRESH_INTERVAL + 1
    server.pem = other_keypair.public_pem
    assert verifier.unwrap_sync(BODY, other_keypair.headers(BODY)).event == "meeting.started"
    with pytest.raises(WebhookVerificationError):  # a bad signature right after: no second fetch
        verifier.verify(BODY, keypair.headers(BODY))
    assert len(server.requests) == 2


@pytest.mark.anyio
async def test_rotation_refetches_once_and_verifies(
    keypair: KeyPair, other_keypair: KeyPair, clock: Clock
) -> None:
    server = KeyServer(keypair.public_pem)
    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        await verifier.unwrap(BODY, keypair.headers(BODY))
        clock.now += KEY_REFRESH_INTERVAL + 1
        server.pem = other_keypair.public_pem  # the sender rotated its key
        event = await verifier.unwrap(BODY, other_keypair.headers(BODY))
        assert isinstance(event, MeetingStarted)
        assert len(server.requests) == 2
        # the new key is now cached
        await verifier.unwrap(BODY, other_keypair.headers(BODY))
        verifier.verify(BODY, other_keypair.headers(BODY))
    assert len(server.requests) == 2


@pytest.mark.anyio
async def test_refresh_is_rate_limited(keypair: KeyPair, other_keypair: KeyPair, clock: Clock) -> None:
    server = KeyServer(keypair.public_pem)
    forged = other_keypair.headers(BODY)  # never matches the served key
    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        await verifier.load_key()
        assert len(server.requests) == 1
        # a bad delivery right after the first fetch does not refetch (the key is fresh)
        with pytest.raises(WebhookVerificationError, match="bad signature"):
            await verifier.unwrap(BODY, forged)
        assert len(server.requests) == 1
        clock.now += KEY_REFRESH_INTERVAL
        for _ in range(10):
            with pytest.raises(WebhookVerificationError, match="bad signature"):
                await verifier.unwrap(BODY, forged)
        assert len(server.requests) == 2  # one refresh for the whole window
        clock.now += KEY_REFRESH_INTERVAL - 1
        with pytest.raises(WebhookVerificationError, match="bad signature"):
            await verifier.unwrap(BODY, forged)
        assert len(server.requests) == 2
        clock.now += 1
        with pytest.raises(WebhookVerificationError, match="bad signature"):
            await verifier.unwrap(BODY, forged)
        assert len(server.requests) == 3
        # the genuine key still works throughout
        await verifier.unwrap(BODY, keypair.headers(BODY))
    assert len(server.requests) == 3


@pytest.mark.anyio
async def test_concurrent_bad_deliveries_refresh_once(
    keypair: KeyPair, other_keypair: KeyPair, clock: Clock
) -> None:
    server = KeyServer(keypair.public_pem)
    failures: list[str] = []

    async def deliver(verifier: WebhookVerifier) -> None:
        try:
            await verifier.unwrap(BODY, other_keypair.headers(BODY))
        except WebhookVerificationError as exc:
            failures.append(str(exc))

    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        await verifier.load_key()
        clock.now += KEY_REFRESH_INTERVAL + 1
        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(deliver, verifier)
    assert len(failures) == 10
    assert len(server.requests) == 2


@pytest.mark.anyio
async def test_concurrent_deliveries_after_rotation_all_verify_with_one_refresh(
    keypair: KeyPair, other_keypair: KeyPair, clock: Clock
) -> None:
    server = KeyServer(keypair.public_pem)
    events: list[str] = []

    async def deliver(verifier: WebhookVerifier) -> None:
        events.append((await verifier.unwrap(BODY, other_keypair.headers(BODY))).event)

    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        await verifier.load_key()
        clock.now += KEY_REFRESH_INTERVAL + 1
        server.pem = other_keypair.public_pem
        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(deliver, verifier)
    assert events == ["meeting.started"] * 10  # waiters reuse the refreshed key, none is rejected
    assert len(server.requests) == 2


@pytest.mark.anyio
async def test_given_key_is_never_fetched(keypair: KeyPair, other_keypair: KeyPair, clock: Clock) -> None:
    server = KeyServer(other_keypair.public_pem)
    async with server.client() as client:
        verifier = WebhookVerifier(keypair.public_pem, key_url=KEY_URL, http_client=client)
        await verifier.unwrap(BODY, keypair.headers(BODY))
        clock.now += 10 * KEY_REFRESH_INTERVAL
        with pytest.raises(WebhookVerificationError, match="bad signature"):
            await verifier.unwrap(BODY, other_keypair.headers(BODY))
        await verifier.load_key()
    assert server.requests == []


@pytest.mark.anyio
async def test_header_errors_do_not_fetch_the_key(keypair: KeyPair) -> None:
    server = KeyServer(keypair.public_pem)
    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        for headers in ({}, {"rtk-signature": "!!"}):
            with pytest.raises(WebhookVerificationError):
                await verifier.unwrap(BODY, headers)
    assert server.requests == []


def _bad(status: int = 200, **kw: Any) -> Callable[[httpx2.Request], httpx2.Response]:
    return lambda request: httpx2.Response(status, **kw)


def _raise(request: httpx2.Request) -> httpx2.Response:
    raise httpx2.ConnectError("connection refused", request=request)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("respond", "reason"),
    [
        (_bad(503, text="unavailable"), "could not be fetched.*HTTP 503"),
        (_raise, "could not be fetched.*ConnectError"),
        (_bad(200, text="<html>"), "is not JSON"),
        (_bad(200, json={"success": True, "data": {}}), "has no data.publicKey"),
        (_bad(200, json=["x"]), "has no data.publicKey"),
        (
            _bad(200, json={"success": True, "data": {"publicKey": "garbage"}}),
            "is invalid: invalid public key",
        ),
    ],
)
async def test_key_fetch_failures(
    keypair: KeyPair, respond: Callable[[httpx2.Request], httpx2.Response], reason: str
) -> None:
    server = KeyServer(keypair.public_pem)
    server.respond = respond
    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        with pytest.raises(PublicKeyUnavailableError, match=reason) as exc:
            await verifier.unwrap(BODY, keypair.headers(BODY))
        assert isinstance(exc.value, WebhookVerificationError)
        with pytest.raises(PublicKeyUnavailableError):
            await verifier.load_key()
        # recovers as soon as the key endpoint does (no rate limit on a missing key)
        server.respond = None
        assert (await verifier.unwrap(BODY, keypair.headers(BODY))).event == "meeting.started"


@pytest.mark.anyio
async def test_refresh_failure_is_key_unavailable(
    keypair: KeyPair, other_keypair: KeyPair, clock: Clock
) -> None:
    server = KeyServer(keypair.public_pem)
    async with server.client() as client:
        verifier = WebhookVerifier(key_url=KEY_URL, http_client=client)
        await verifier.load_key()
        clock.now += KEY_REFRESH_INTERVAL + 1
        server.respond = _bad(500)
        with pytest.raises(PublicKeyUnavailableError, match="HTTP 500"):
            await verifier.unwrap(BODY, other_keypair.headers(BODY))
        # the cached key keeps working
        await verifier.unwrap(BODY, keypair.headers(BODY))


@pytest.mark.anyio
async def test_without_http_client_uses_its_own(keypair: KeyPair, monkeypatch: pytest.MonkeyPatch) -> None:
    server = KeyServer(keypair.public_pem)
    real_client = httpx2.AsyncClient

    def make_client(**kwargs: Any) -> httpx2.AsyncClient:
        assert kwargs.get("timeout") is not None  # never an unbounded fetch
        return real_client(transport=httpx2.MockTransport(server))

    monkeypatch.setattr(httpx2, "AsyncClient", make_client)
    verifier = WebhookVerifier(key_url=KEY_URL)
    await verifier.unwrap(BODY, keypair.headers(BODY))
    assert len(server.requests) == 1
    real_sync, transport = httpx2.Client, sync_server(server)._transport

    def make_sync(**kwargs: Any) -> httpx2.Client:
        assert kwargs.get("timeout") is not None
        return real_sync(transport=transport)

    monkeypatch.setattr(httpx2, "Client", make_sync)
    fresh = WebhookVerifier(key_url=KEY_URL)
    fresh.verify(BODY, keypair.headers(BODY))  # the blocking fetch, with a client of its own
    assert len(server.requests) == 2


@pytest.mark.anyio
async def test_fetch_error_message_and_repr_redact_url_secrets(keypair: KeyPair) -> None:
    server = KeyServer(keypair.public_pem)
    server.respond = _bad(404)
    url = "https://keys.example.test/k.json?token=FAKE-SECRET-123"
    async with server.client() as client:
        verifier = WebhookVerifier(key_url=url, http_client=client)
        assert "FAKE-SECRET-123" not in repr(verifier)
        with pytest.raises(PublicKeyUnavailableError) as exc:
            await verifier.load_key()
    assert "FAKE-SECRET-123" not in str(exc.value)
    assert "HTTP 404" in str(exc.value)
