from __future__ import annotations

import pytest

import onstage
from onstage.testing import Sandbox

pytestmark = pytest.mark.anyio


async def test_meetings_crud_and_pagination(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    created = [await rtk.meetings.create(title=f"Meeting {i:02d}") for i in range(45)]
    first = await rtk.meetings.get(created[0].id)
    assert first.title == "Meeting 00"
    updated = await rtk.meetings.update(created[0].id, title="Renamed", record_on_start=True)
    assert updated.title == "Renamed" and updated.record_on_start is True
    replaced = await rtk.meetings.replace(created[1].id, title="Replaced")
    assert replaced.title == "Replaced"
    everything = await rtk.meetings.list(per_page=10).to_list()
    assert [m.id for m in everything] == [m.id for m in created]
    pages = [page async for page in rtk.meetings.list(per_page=20).pages()]
    assert [len(p) for p in pages] == [20, 20, 5] and pages[0].total == 45
    default = await rtk.meetings.list().first_page()
    assert len(default) == 20
    assert [m.title for m in await rtk.meetings.list(search="renamed").to_list()] == ["Renamed"]
    await rtk.meetings.update(created[2].id, status="INACTIVE")
    inactive = await rtk.meetings.list(status="INACTIVE").to_list()
    assert [m.id for m in inactive] == [created[2].id]
    assert sb.count("create_meeting") == 45 and sb.count("POST /meetings") == 45


async def test_state_is_isolated_per_app(sb: Sandbox) -> None:
    await sb.realtimekit(app_id="app-a").meetings.create(title="a")
    assert await sb.realtimekit(app_id="app-b").meetings.list().to_list() == []
    with pytest.raises(onstage.NotFoundError):
        await sb.realtimekit(app_id="app-b").meetings.get("7a1c9b52-38f8-4a53-9d1b-2f6f0d4a4b11")


async def test_participants_and_tokens(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Town hall")
    host = await rtk.meetings.participants.add(
        meeting.id, custom_participant_id="host-1", preset_name="group_call_host", name="Host"
    )
    assert host.token.count(".") == 2
    fresh = await rtk.meetings.participants.refresh_token(meeting.id, host.id)
    assert fresh.token != host.token
    got = await rtk.meetings.participants.get(meeting.id, host.id)
    assert got.custom_participant_id == "host-1"
    edited = await rtk.meetings.participants.update(meeting.id, host.id, name="Boss")
    assert edited.name == "Boss"
    replaced = await rtk.meetings.participants.replace(
        meeting.id, host.id, custom_participant_id="host-1", preset_name="webinar_presenter"
    )
    assert replaced.preset_name == "webinar_presenter"
    for i in range(3):
        await rtk.meetings.participants.add(
            meeting.id, custom_participant_id=f"v{i}", preset_name="webinar_viewer"
        )
    assert len(await rtk.meetings.participants.list(meeting.id, per_page=2).to_list()) == 4
    deleted = await rtk.meetings.participants.delete(meeting.id, host.id)
    assert deleted.custom_participant_id == "host-1"
    with pytest.raises(onstage.NotFoundError):
        await rtk.meetings.participants.get(meeting.id, host.id)


async def test_presets_apps_webhooks(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    presets = await rtk.presets.list().to_list()
    assert "group_call_host" in {p.name for p in presets}
    base = await rtk.presets.get(presets[0].id)
    created = await rtk.presets.create(
        name="custom", config=base.config, permissions=base.permissions, ui=base.ui
    )
    assert (await rtk.presets.update(created.id, name="custom-2")).name == "custom-2"
    assert (
        await rtk.presets.replace(
            created.id, name="custom-3", config=base.config, permissions=base.permissions, ui=base.ui
        )
    ).name == "custom-3"
    await rtk.presets.delete(created.id)
    app = await rtk.apps.create(name="second")
    assert len(app.id) == 32  # a Cloudflare tag, addressable as app_id
    assert (await sb.realtimekit(app_id=app.id).apps.get()).name == "second"
    assert [a.name for a in await rtk.apps.list().to_list()] == ["second"]
    hook = await rtk.webhooks.create(name="hook", url="http://127.0.0.1:9/hook", events=["meeting.started"])
    assert (await rtk.webhooks.get(hook.id)).enabled is True
    assert (await rtk.webhooks.update(hook.id, enabled=False)).enabled is False
    assert (
        await rtk.webhooks.replace(hook.id, name="h2", url="http://127.0.0.1:9/h2", events=["meeting.ended"])
    ).name == "h2"
    assert [w.id for w in await rtk.webhooks.list().to_list()] == [hook.id]
    assert "recording.statusUpdate" in [
        str(getattr(e, "value", e)) for e in await rtk.webhooks.list_event_types()
    ]
    await rtk.webhooks.delete(hook.id)
    assert await rtk.webhooks.list().to_list() == []
    assert await rtk.analytics.daywise() is not None
    assert await rtk.livestreams.analytics.overall() is not None
    assert await rtk.livestreams.analytics.daywise() is not None


async def test_recordings_lifecycle(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Recorded")
    with pytest.raises(onstage.NotFoundError):
        await rtk.recordings.get_active(meeting.id)
    started = await rtk.recordings.start(meeting_id=meeting.id)
    assert started.status == "INVOKED"
    assert (await rtk.recordings.get(started.id)).status == "RECORDING"
    assert (await rtk.recordings.get_active(meeting.id)).id == started.id
    assert (await rtk.recordings.pause(started.id)).status == "PAUSED"
    assert (await rtk.recordings.resume(started.id)).status == "RECORDING"
    stopped = await rtk.recordings.stop(started.id)
    assert stopped.status == "UPLOADED" and stopped.download_url
    with pytest.raises(onstage.BadRequestError):
        await rtk.recordings.pause(started.id)
    assert [r.id for r in await rtk.recordings.list(meeting_id=meeting.id).to_list()] == [started.id]
    second = await rtk.recordings.start(meeting_id=meeting.id)
    assert sb.finish_recording("acc-1", "app-1", second.id)["status"] == "UPLOADED"
    track = await rtk.recordings.start_track(meeting_id=meeting.id, layers={})
    assert track.recording is not None and track.recording.status == "INVOKED"
    assert (await rtk.recordings.get(track.recording.id)).status == "RECORDING"


async def test_livestreams(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Broadcast")
    live = await rtk.livestreams.start(meeting.id, name="main")
    assert live.status == "LIVE" and live.ingest_server and live.stream_key and live.playback_url
    assert (await rtk.livestreams.get_active_for_meeting(meeting.id)).id == live.id
    detail = await rtk.livestreams.get(live.id)
    assert detail.livestream.id == live.id
    active = await rtk.livestreams.get_active_session(live.id)
    assert (await rtk.livestreams.get_session(active.session.id)).livestream_id == live.id
    assert (await rtk.livestreams.stop(meeting.id)).message
    with pytest.raises(onstage.NotFoundError):
        await rtk.livestreams.get_active_for_meeting(meeting.id)
    history = await rtk.livestreams.list_for_meeting(meeting.id)
    assert [s.id for s in history.livestreams] == [live.id]
    independent = await rtk.livestreams.create(name="ingest")
    assert independent.status == "IDLE"
    assert sb.livestream_encoder_connect("acc-1", "app-1", independent.id)["status"] == "LIVE"
    assert sb.finish_livestream("acc-1", "app-1", livestream_id=independent.id)["status"] == "IDLE"
    assert len(await rtk.livestreams.list().to_list()) == 2


async def test_sessions_via_control(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Standup")
    with pytest.raises(onstage.NotFoundError):
        await rtk.active_session.get(meeting.id)
    await rtk.meetings.participants.add(
        meeting.id, custom_participant_id="alice", preset_name="group_call_host", name="Alice"
    )
    alice = sb.join("acc-1", "app-1", meeting.id, custom_participant_id="alice")
    assert alice["display_name"] == "Alice"
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="bob", name="Bob")
    active = await rtk.active_session.get(meeting.id)
    assert active.live_participants == 2 and active.status == "LIVE"
    muted = await rtk.active_session.mute(meeting.id, custom_participant_ids=["bob"])
    assert [p.id for p in muted.participants] == [await _peer_id(rtk, active.id, "bob")]
    assert (await rtk.active_session.mute_all(meeting.id, allow_unmute=True)).muted_participants_count == 2
    poll = await rtk.active_session.create_poll(meeting.id, question="Lunch?", options_=["y", "n"])
    assert poll.poll is not None and [o.text for o in poll.poll.options] == ["y", "n"]
    kicked = await rtk.active_session.kick(meeting.id, custom_participant_ids=["bob"])
    assert len(kicked.participants) == 1
    session = await rtk.sessions.get(active.id)
    assert session.id == active.id
    people = await rtk.sessions.participants.list(active.id).to_list()
    assert {p.custom_participant_id for p in people} == {"alice", "bob"}
    detail = await rtk.sessions.participants.get(active.id, people[0].id)
    assert detail.participant is not None and detail.participant.id == people[0].id
    report = await rtk.sessions.get_peer_report(people[0].id)
    assert report.participant is not None and report.participant.session_id == active.id
    for call in (
        rtk.sessions.get_chat,
        rtk.sessions.get_transcript,
        rtk.sessions.get_summary,
        rtk.sessions.generate_summary,
    ):
        assert await call(active.id) is not None
    assert await rtk.sessions.list_livestream_sessions(active.id).to_list() == []
    sb.leave("acc-1", "app-1", meeting.id, custom_participant_id="alice")
    with pytest.raises(onstage.NotFoundError):
        await rtk.active_session.get(meeting.id)
    for i in range(4):
        sb.join("acc-1", "app-1", meeting.id, custom_participant_id=f"u{i}")
    assert (await rtk.active_session.kick_all(meeting.id)).kicked_participants_count == 4
    sessions = await rtk.sessions.list(per_page=1).to_list()
    assert len(sessions) == 2 and all(s.status == "ENDED" for s in sessions)


async def _peer_id(rtk: onstage.RealtimeKit, session_id: str, custom: str) -> str:
    people = await rtk.sessions.participants.list(session_id).to_list()
    return next(p.id for p in people if p.custom_participant_id == custom)


async def test_auth_and_validation_errors(sb: Sandbox) -> None:
    bad = sb.realtimekit(api_token="wrong")
    with pytest.raises(onstage.AuthenticationError):
        await bad.meetings.list().to_list()
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="x")
    with pytest.raises(onstage.BadRequestError) as info:
        await rtk.meetings.participants.add(meeting.id, custom_participant_id="u", preset_name=None)  # type: ignore[arg-type]
    assert "preset_name" in str(info.value)
    with pytest.raises(onstage.BadRequestError) as info:
        await rtk.recordings.set_state("abc", action="explode")  # type: ignore[arg-type]
    assert "action" in str(info.value)
