from __future__ import annotations

import pytest

import onstage
from onstage.testing import Sandbox

PRESET = "0b5b1f52-7c8e-4d8a-9a51-2f0c6a3e9b10"


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


@pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
@pytest.mark.anyio
async def test_asgi_transport(anyio_backend: str) -> None:
    async with Sandbox(transport="asgi") as sb:
        await _flow(sb)
        sb.faults.add(operation_id="get_meeting", kind="reset_before")
        with pytest.raises(onstage.APIConnectionError):
            await sb.realtimekit(max_retries=0).meetings.get("7a1c9b52-38f8-4a53-9d1b-2f6f0d4a4b11")


@pytest.mark.anyio
async def test_url_needs_a_running_sandbox() -> None:
    sb = Sandbox()
    assert sb.transport == "http"
    with pytest.raises(RuntimeError):
        _ = sb.url


@pytest.mark.parametrize("anyio_backend", ["trio"])
@pytest.mark.anyio
async def test_http_transport_under_trio_errors(anyio_backend: str) -> None:
    with pytest.raises(RuntimeError, match="transport='asgi'"):
        async with Sandbox():
            pass
