from __future__ import annotations

from typing import Literal

import anyio
import httpx2
import pytest

import onstage
from onstage.testing import Sandbox

PRESET = Sandbox().webinar_preset_ids[0]  # a preset the sandbox seeds


async def _flow(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="In process")
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u")
    assert (await rtk.active_session.get(meeting.id)).live_participants == 1
    tp = sb.tpstreams()
    asset = await tp.live_streams.create(title="asgi")
    assert (
        await tp.live_streams.wait_until_ready(asset.id, timeout=5, interval=0.05)
    ).live_stream is not None
    wb = sb.webinar()
    room = await wb.rooms.create(title="Room asgi")
    created = await wb.rooms.sessions.create(room.id, title="Session", preset_id=PRESET)
    assert (await wb.sessions.start(created.session.id)).whip_url


BACKENDS = pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
TRANSPORTS = pytest.mark.parametrize("transport", ["http", "asgi"])


@BACKENDS
@TRANSPORTS
@pytest.mark.anyio
async def test_both_transports_on_both_backends(
    anyio_backend: str, transport: Literal["http", "asgi"]
) -> None:
    async with Sandbox(transport=transport) as sb:
        await _flow(sb)
        missing = "7a1c9b52-38f8-4a53-9d1b-2f6f0d4a4b11"
        for kind in ("reset_before", "reset_after_processing", "truncated"):
            sb.faults.clear()
            sb.faults.add(operation_id="get_meeting", kind=kind)
            with pytest.raises(onstage.APIConnectionError):
                await sb.realtimekit(max_retries=0).meetings.get(missing)
        sb.faults.clear()
        with pytest.raises(onstage.NotFoundError):  # the connection pool recovers
            await sb.realtimekit(max_retries=0).meetings.get(missing)


async def _raw_exchange(url: str, request: bytes) -> bytes:
    """Send raw bytes to the sandbox and read until it closes the connection."""
    host, port = url.removeprefix("http://").split(":")
    async with await anyio.connect_tcp(host, int(port)) as stream:
        await stream.send(request)
        received = b""
        with anyio.fail_after(5):
            while True:
                try:
                    received += await stream.receive()
                except (anyio.EndOfStream, anyio.BrokenResourceError):
                    return received


@BACKENDS
@pytest.mark.anyio
async def test_dropped_connections_on_the_wire(anyio_backend: str) -> None:
    """``reset_before`` closes the socket without a byte; ``truncated`` stops inside the body."""
    path = "/client/v4/accounts/acc-1/realtime/kit/app-1/meetings"
    request = (
        f"GET {path} HTTP/1.1\r\nhost: sandbox\r\nauthorization: Bearer rtk-sandbox-token\r\n\r\n"
    ).encode()
    async with Sandbox() as sb:
        ok = await _raw_exchange(sb.url, request.replace(b"\r\n\r\n", b"\r\nconnection: close\r\n\r\n"))
        assert ok.startswith(b"HTTP/1.1 200 ") and ok.endswith(b"}")
        sb.faults.add(route="GET /meetings", kind="reset_before", times=1)
        assert await _raw_exchange(sb.url, request) == b""
        sb.faults.add(route="GET /meetings", kind="truncated", times=1)
        truncated = await _raw_exchange(sb.url, request)
        head, _, body = truncated.partition(b"\r\n\r\n")
        length = int(
            next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1]
        )
        assert head.startswith(b"HTTP/1.1 200 ") and 0 < len(body) < length
        assert [r.fault for r in sb.requests] == [None, "reset_before", "truncated"]
        garbage = await _raw_exchange(sb.url, b"NOT HTTP\r\n\r\n")
        assert garbage.startswith(b"HTTP/1.1 400 ")


@BACKENDS
@TRANSPORTS
@pytest.mark.anyio
async def test_reset_forgets_everything(anyio_backend: str, transport: Literal["http", "asgi"]) -> None:
    async with Sandbox(transport=transport) as sb:
        rtk = sb.realtimekit()
        await rtk.meetings.create(title="Before reset")
        sb.faults.add(route="GET /meetings/{meeting_id}", kind="500")
        sb.reset()
        assert sb.requests == [] and sb.faults.rules == []
        assert await rtk.meetings.list().to_list() == []
        first = await rtk.meetings.create(title="Again")
        http = httpx2.AsyncClient(transport=httpx2.ASGITransport(app=sb.app)) if transport == "asgi" else None
        async with http or httpx2.AsyncClient() as client:
            response = await client.post(f"{sb.url}/_sandbox/reset")
            assert response.status_code == 200 and response.json() == {"ok": True}
        assert await rtk.meetings.list().to_list() == []
        assert (await rtk.meetings.create(title="Again")).id == first.id  # the seeded ids start over


@pytest.mark.anyio
async def test_url_needs_a_running_sandbox() -> None:
    sb = Sandbox()
    assert sb.transport == "http"
    with pytest.raises(RuntimeError):
        _ = sb.url
