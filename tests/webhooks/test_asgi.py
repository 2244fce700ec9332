"""Framework helpers: the ASGI endpoint (driven through httpx2.ASGITransport) and read_verified."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from onstage._errors import WebhookVerificationError
from onstage.webhooks import (
    MeetingStarted,
    RealtimeKitEvent,
    TPStreamsEvent,
    read_verified,
    webhook_app,
)
from onstage.webhooks.realtimekit import WebhookVerifier as RTKVerifier
from onstage.webhooks.tpstreams import WebhookVerifier as TPVerifier

from . import payloads
from .conftest import KeyPair

BODY = payloads.dumps(payloads.MEETING_STARTED)
URL = "http://receiver.test/webhooks"


class Recorder:
    def __init__(self) -> None:
        self.events: list[Any] = []

    async def __call__(self, event: Any) -> None:
        self.events.append(event)


def _client(app: Any) -> httpx2.AsyncClient:
    return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app))


@pytest.mark.anyio
async def test_valid_delivery_204_and_handler_called(keypair: KeyPair) -> None:
    handler = Recorder()
    app = webhook_app(RTKVerifier(keypair.public_pem), handler)
    async with _client(app) as client:
        response = await client.post(URL, content=BODY, headers=keypair.headers(BODY))
    assert response.status_code == 204
    assert response.content == b""
    assert "content-length" not in response.headers
    assert len(handler.events) == 1
    event = handler.events[0]
    assert isinstance(event, MeetingStarted)
    assert event.delivery_id == "0d3c5a9e-delivery-0001"


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("headers", "body", "reason"),
    [
        ({}, BODY, "missing rtk-signature header"),
        ({"rtk-signature": "@@@"}, BODY, "not base64"),
        ({"rtk-signature": "AAAA"}, BODY, "wrong length"),
        (None, BODY + b" ", "bad signature"),
        (None, b"", "empty body"),
    ],
)
async def test_rejected_delivery_400_with_reason(
    keypair: KeyPair, headers: dict[str, str] | None, body: bytes, reason: str
) -> None:
    handler = Recorder()
    app = webhook_app(RTKVerifier(keypair.public_pem), handler)
    sent = keypair.headers(BODY) if headers is None else headers
    async with _client(app) as client:
        response = await client.post(URL, content=body, headers=sent)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert reason in response.json()["error"]
    assert handler.events == []


@pytest.mark.anyio
async def test_too_large_by_content_length(keypair: KeyPair) -> None:
    app = webhook_app(RTKVerifier(keypair.public_pem, max_body_bytes=100), Recorder())
    async with _client(app) as client:
        response = await client.post(URL, content=b"x" * 101, headers=keypair.headers(b"x"))
    assert response.status_code == 400
    assert response.json() == {"error": "body too large: 101 bytes, the limit is 100"}


async def _drive(app: Any, scope: dict[str, Any], chunks: list[bytes]) -> tuple[list[Any], int]:
    """Call ``app`` directly: feed ``chunks`` as http.request messages, return (sent, chunks read)."""
    sent: list[Any] = []
    read = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        return {"type": "http.request", "body": chunks[read - 1], "more_body": read < len(chunks)}

    async def send(message: Any) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent, read


@pytest.mark.anyio
async def test_too_large_streamed_without_content_length_stops_reading(keypair: KeyPair) -> None:
    handler = Recorder()
    app = webhook_app(RTKVerifier(keypair.public_pem, max_body_bytes=100), handler)
    headers = [(b"rtk-signature", keypair.sign(b"y").encode())]  # no content-length: chunked upload
    sent, read = await _drive(app, {"type": "http", "method": "POST", "headers": headers}, [b"y" * 40] * 10)
    assert read == 3  # stopped as soon as the limit was crossed, never buffered the rest
    assert sent[0]["status"] == 400
    assert sent[1]["body"] == b'{"error": "body too large: 120 bytes, the limit is 100"}'
    assert handler.events == []


@pytest.mark.anyio
async def test_chunked_body_is_reassembled(keypair: KeyPair) -> None:
    async def stream() -> AsyncIterator[bytes]:
        for i in range(0, len(BODY), 7):
            yield BODY[i : i + 7]

    handler = Recorder()
    app = webhook_app(RTKVerifier(keypair.public_pem), handler)
    async with _client(app) as client:
        response = await client.post(URL, content=stream(), headers=keypair.headers(BODY))
    assert response.status_code == 204
    assert handler.events[0].raw == payloads.MEETING_STARTED


@pytest.mark.anyio
async def test_get_is_405(keypair: KeyPair) -> None:
    app = webhook_app(RTKVerifier(keypair.public_pem), Recorder())
    async with _client(app) as client:
        response = await client.get(URL)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.anyio
async def test_key_unavailable_is_503_so_sender_retries(keypair: KeyPair) -> None:
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(lambda r: httpx2.Response(502))) as keys:
        verifier = RTKVerifier(key_url="https://keys.example.test/k.json", http_client=keys)
        app = webhook_app(verifier, Recorder())
        async with _client(app) as client:
            response = await client.post(URL, content=BODY, headers=keypair.headers(BODY))
    assert response.status_code == 503
    assert "HTTP 502" in response.json()["error"]


@pytest.mark.anyio
async def test_handler_errors_propagate(keypair: KeyPair) -> None:
    async def boom(event: RealtimeKitEvent) -> None:
        raise RuntimeError("handler failed")

    app = webhook_app(RTKVerifier(keypair.public_pem), boom)
    async with _client(app) as client:
        with pytest.raises(RuntimeError, match="handler failed"):
            await client.post(URL, content=BODY, headers=keypair.headers(BODY))


@pytest.mark.anyio
async def test_tpstreams_verifier_in_app() -> None:
    handler = Recorder()
    app = webhook_app(TPVerifier("fake-secret"), handler)
    body = payloads.dumps(payloads.TP_LIVE_STREAM_ASSET)
    async with _client(app) as client:
        ok = await client.post(URL, content=body, headers={"x-streams-token": "fake-secret"})
        bad = await client.post(URL, content=body, headers={"x-streams-token": "guess"})
    assert ok.status_code == 204
    assert bad.status_code == 400
    assert bad.json() == {"error": "x-streams-token does not match the configured secret token"}
    assert "fake-secret" not in bad.text
    assert len(handler.events) == 1
    assert isinstance(handler.events[0], TPStreamsEvent)
    assert handler.events[0].live_stream_status == "Streaming"


@pytest.mark.anyio
async def test_lifespan_is_answered(keypair: KeyPair) -> None:
    app = webhook_app(RTKVerifier(keypair.public_pem), Recorder())
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: Any) -> None:
        sent.append(message)

    await app({"type": "lifespan"}, receive, send)
    assert sent == [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]


@pytest.mark.anyio
async def test_client_disconnect_sends_nothing(keypair: KeyPair) -> None:
    handler = Recorder()
    app = webhook_app(RTKVerifier(keypair.public_pem), handler)
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(message)

    await app({"type": "http", "method": "POST", "headers": []}, receive, send)
    assert sent == []
    assert handler.events == []


def _starlette_app(verifier: Any, seen: list[Any]) -> Starlette:
    async def endpoint(request: Request) -> Response:
        try:
            event = await read_verified(verifier, request)
        except WebhookVerificationError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        seen.append(event)
        return Response(status_code=204)

    return Starlette(routes=[Route("/webhooks", endpoint, methods=["POST"])])


@pytest.mark.anyio
async def test_read_verified_with_starlette_request(keypair: KeyPair) -> None:
    seen: list[Any] = []
    app = _starlette_app(RTKVerifier(keypair.public_pem), seen)
    async with _client(app) as client:
        ok = await client.post(URL, content=BODY, headers=keypair.headers(BODY))
        bad = await client.post(URL, content=BODY, headers={"rtk-signature": keypair.sign(b"{}")})
        big = await client.post(
            URL, content=b"z" * 10, headers={"content-length": "999999999", **keypair.headers(b"z")}
        )
    assert ok.status_code == 204
    assert isinstance(seen[0], MeetingStarted)
    assert bad.status_code == 400
    assert "bad signature" in bad.json()["error"]
    assert big.status_code == 400
    assert "body too large" in big.json()["error"]
    assert len(seen) == 1


@pytest.mark.anyio
async def test_read_verified_with_duck_typed_request() -> None:
    class FakeRequest:
        def __init__(self) -> None:
            self.headers = {"X-Streams-Token": "fake-secret"}

        async def body(self) -> bytes:
            return b'{"id":"a1","type":"video","video":{"status":"Completed"}}'

    event = await read_verified(TPVerifier("fake-secret"), FakeRequest())
    assert event.video_status == "Completed"
