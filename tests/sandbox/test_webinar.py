from __future__ import annotations

import datetime

import httpx2
import pytest

import onstage
from onstage.testing import Sandbox
from onstage.testing.webinar.state import EXPIRE_AFTER

pytestmark = pytest.mark.anyio

PRESET = Sandbox().webinar_preset_ids[0]  # a preset the sandbox seeds
AUTH = {"X-API-Key": "wb-sandbox-key"}


async def test_rooms_and_sessions_flow(sb: Sandbox) -> None:
    wb = sb.webinar()
    room = await wb.rooms.create(title="Product launch", description="Q4")
    assert (await wb.rooms.get(room.id)).title == "Product launch"
    assert (await wb.rooms.update(room.id, title="Launch")).title == "Launch"
    for i in range(3):
        await wb.rooms.create(title=f"Room {i}")
    assert len(await wb.rooms.list(limit=2).to_list()) == 4
    assert len(await wb.rooms.list_mine().to_list()) == 4
    created = await wb.rooms.sessions.create(room.id, title="Keynote", preset_id=PRESET, mode="rtmp")
    assert created.session.status == "scheduled" and created.rtmp_url and created.stream_key
    session_id = created.session.id
    await wb.sessions.reschedule(session_id, scheduled_start_time="2030-01-01T10:00:00Z")
    rescheduled = (await wb.sessions.get(session_id)).scheduled_start_time
    assert rescheduled == datetime.datetime(2030, 1, 1, 10, tzinfo=datetime.UTC)
    started = await wb.sessions.start(session_id)
    assert started.session.status == "live" and started.livekit_token.count(".") == 2
    assert started.rtmp.url == "rtmp://127.0.0.1/live" and started.rtmp.stream_key and started.rtmp.ingress_id
    assert (
        started.rtmp_setup.instructions.step1 and started.rtmp_setup.instructions.step3 and started.whip_url
    )
    assert (await wb.sessions.go_live(session_id)).session.status == "live"
    with pytest.raises(onstage.BadRequestError):
        await wb.sessions.reschedule(session_id, scheduled_start_time="2030-01-02T10:00:00Z")
    joined = await wb.sessions.join(session_id)
    assert joined.livekit_token and joined.room_name == session_id
    assert [s.id for s in await wb.sessions.list_live().to_list()] == [session_id]
    stats = await wb.sessions.stats()
    assert stats.live_now == 1 and stats.total_sessions == 1
    sb.host_publish(session_id)
    assert await wb.sessions.get_stream_health(session_id) is not None
    assert (await wb.sessions.get_monitor_token(session_id)).livekit_token
    await wb.sessions.update_settings(session_id, chat_enabled=False)
    assert (await wb.sessions.get(session_id)).effective_chat_enabled is False
    await wb.sessions.set_host_video_state(session_id)
    await wb.sessions.set_host_audio_state(session_id)
    await wb.sessions.ensure_hls_egress(session_id)
    await wb.sessions.start_webcam_hls(session_id)
    await wb.sessions.end(session_id)
    assert (await wb.sessions.get(session_id)).status == "ended"
    with pytest.raises(onstage.BadRequestError):
        await wb.sessions.start(session_id)
    assert len(await wb.rooms.sessions.list(room.id).to_list()) == 1
    assert len(await wb.sessions.list().to_list()) == 1
    await wb.sessions.delete(session_id)
    await wb.rooms.delete(room.id)
    with pytest.raises(onstage.NotFoundError):
        await wb.rooms.get(room.id)


async def test_auth_public_and_validation(sb: Sandbox) -> None:
    with pytest.raises(onstage.AuthenticationError):
        await sb.webinar(api_key="wrong").rooms.create(title="Nope")
    bearer = sb.webinar(bearer_token="wb-sandbox-key")
    room = await bearer.rooms.create(title="Bearer room")
    async with httpx2.AsyncClient() as http:
        public = await http.get(f"{sb.url}/v1/webinar/rooms/{room.id}")
        assert public.status_code == 200 and public.json()["success"] is True
        private = await http.get(f"{sb.url}/v1/webinar/rooms/my")
        assert private.status_code == 401 and private.json()["code"] == "auth_type_not_found"
    wb = sb.webinar()
    with pytest.raises(onstage.UnprocessableEntityError) as info:
        await wb.rooms.create(title="x")
    assert "title" in str(info.value)
    with pytest.raises(onstage.UnprocessableEntityError) as info:
        await wb.rooms.sessions.create(room.id, title="Valid title", preset_id=PRESET, mode="satellite")  # type: ignore[arg-type]
    assert "mode" in str(info.value)


async def test_expired_sessions_refuse_start_go_live_join_and_end(sb: Sandbox) -> None:
    wb = sb.webinar()
    room = await wb.rooms.create(title="Expiry room")
    soon = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).isoformat()
    by_control = await wb.rooms.sessions.create(
        room.id, title="Never started", preset_id=PRESET, scheduled_start_time=soon
    )
    expired = sb.expire_session(by_control.session.id)
    assert expired["status"] == "expired"
    past = (datetime.datetime.now(datetime.UTC) - EXPIRE_AFTER - datetime.timedelta(minutes=1)).isoformat()
    overdue = await wb.rooms.sessions.create(
        room.id, title="Overdue", preset_id=PRESET, scheduled_start_time=past
    )
    recent = (datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)).isoformat()
    late = await wb.rooms.sessions.create(
        room.id, title="Late", preset_id=PRESET, scheduled_start_time=recent
    )
    unscheduled = await wb.rooms.sessions.create(room.id, title="Any time", preset_id=PRESET)
    for session_id in (by_control.session.id, overdue.session.id):
        assert (await wb.sessions.get(session_id)).status == "expired"
        for verb in (wb.sessions.start, wb.sessions.go_live, wb.sessions.join, wb.sessions.end):
            with pytest.raises(onstage.BadRequestError) as info:
                await verb(session_id)
            assert "expired" in str(info.value)
        with pytest.raises(onstage.BadRequestError):
            await wb.sessions.reschedule(session_id, scheduled_start_time=soon)
    assert (await wb.sessions.get(late.session.id)).status == "scheduled"  # within the grace period
    assert (await wb.sessions.start(late.session.id)).session.status == "live"
    assert (await wb.sessions.get(unscheduled.session.id)).status == "scheduled"
    statuses = {s.id: s.status for s in await wb.rooms.sessions.list(room.id).to_list()}
    assert sorted(statuses.values()) == ["expired", "expired", "live", "scheduled"]
    async with httpx2.AsyncClient(base_url=sb.url) as http:
        body = (await http.post(f"/v1/webinar/sessions/{overdue.session.id}/join", headers=AUTH)).json()
        assert (
            body["success"] is False and "expired" in body["message"] and isinstance(body["timestamp"], int)
        )
        again = await http.post("/_sandbox/expire_session", json={"session_id": overdue.session.id})
        assert again.status_code == 400 and "scheduled" in again.json()["error"]
        missing = await http.post("/_sandbox/expire_session", json={"session_id": "nope"})
        assert missing.status_code == 404
        live = await http.post("/_sandbox/expire_session", json={"session_id": late.session.id})
        assert live.status_code == 400
