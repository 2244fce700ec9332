"""Every response body the sandbox sends in a representative flow of each API matches the spec's response
schema, nullability taken strictly: a ``null`` where the schema does not allow one fails. An optional field
that has no value is left out (what Tenbyte's published schemas, which type such fields as non-nullable
optional strings, describe), not sent as ``null``; the engine's response shaping does it for every handler
(``Faker.fill``). The generated models read an absent optional field as ``None``, so clients see no change."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from onstage.testing import Sandbox
from onstage.testing._engine.app import SandboxApp
from onstage.testing._engine.handler import Reply
from onstage.testing._engine.spec import Operation

pytestmark = pytest.mark.anyio

PRESET = Sandbox().webinar_preset_ids[0]


@dataclass
class Seen:
    """The replies the sandbox sent, after response shaping, with their operations."""

    replies: list[tuple[Operation, Reply]] = field(default_factory=list)

    def bodies(self, operation_id: str) -> list[Any]:
        return [reply.body for op, reply in self.replies if op.id == operation_id]

    def operations(self, api: str) -> set[str]:
        return {op.id for op, reply in self.replies if op.api == api and 200 <= reply.status < 300}


@pytest.fixture
async def recorded(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Sandbox, Seen]]:
    seen = Seen()
    process: Callable[..., Reply] = SandboxApp._process

    def spy(self: SandboxApp, op: Operation, *args: Any, **kwargs: Any) -> Reply:
        reply = process(self, op, *args, **kwargs)
        seen.replies.append((op, reply))
        return reply

    monkeypatch.setattr(SandboxApp, "_process", spy)
    async with Sandbox(transport="asgi") as sandbox:
        yield sandbox, seen


def _check_every_body(sb: Sandbox, seen: Seen, api: str) -> None:
    problems = []
    checked = 0
    for op, reply in seen.replies:
        if op.api != api or not 200 <= reply.status < 300 or op.response_schema is None:
            continue
        if reply.raw is not None or reply.body is None:
            continue
        checked += 1
        for error in sb.spec.schema_errors(op.response_schema, reply.body):
            problems.append(f"{op.id}: {error.field}: {error.message}")
    assert checked >= 20, f"only {checked} {api} bodies checked"
    assert not problems, "\n".join(problems)


async def test_the_schema_check_is_strict_about_null(recorded: tuple[Sandbox, Seen]) -> None:
    sb, _ = recorded
    room = {"id": "7a1c9b52-38f8-4a53-9d1b-2f6f0d4a4b11", "active_session_id": None}
    schema = {"$ref": "#/components/schemas/webinar_Room"}
    assert [e.field for e in sb.spec.schema_errors(schema, room)] == ["active_session_id"]
    recording = {"id": room["id"], "status": "RECORDING", "invoked_time": "2030-01-01T00:00:00Z"}
    ok = {**recording, "stopped_time": None}  # nullable in the spec: null is fine
    assert sb.spec.schema_errors({"$ref": "#/components/schemas/realtimekit_Recording"}, ok) == []


async def test_webinar_responses_follow_the_spec(recorded: tuple[Sandbox, Seen]) -> None:
    sb, seen = recorded
    wb = sb.webinar()
    room = await wb.rooms.create(title="Strict room")
    assert room.active_session_id is None and room.description is None  # absent, read as None
    await wb.rooms.get(room.id)
    await wb.rooms.update(room.id, title="Stricter room")
    await wb.rooms.list().to_list()
    await wb.rooms.list_mine().to_list()
    created = await wb.rooms.sessions.create(room.id, title="Strict session", preset_id=PRESET)
    session_id = created.session.id
    await wb.sessions.get(session_id)
    await wb.sessions.list().to_list()
    await wb.rooms.sessions.list(room.id).to_list()
    await wb.sessions.stats()
    await wb.sessions.reschedule(session_id, scheduled_start_time="2030-01-01T10:00:00Z")
    await wb.sessions.start(session_id)
    await wb.sessions.go_live(session_id)
    await wb.sessions.join(session_id)
    await wb.sessions.list_live().to_list()
    await wb.rooms.get(room.id)
    await wb.sessions.update_settings(session_id, chat_enabled=False)
    await wb.sessions.set_host_video_state(session_id)
    await wb.sessions.set_host_audio_state(session_id)
    await wb.sessions.get_monitor_token(session_id)
    await wb.sessions.get_stream_health(session_id)
    await wb.sessions.ensure_hls_egress(session_id)
    await wb.sessions.start_webcam_hls(session_id)
    await wb.sessions.end(session_id)
    await wb.sessions.get(session_id)
    await wb.rooms.get(room.id)
    other = await wb.rooms.sessions.create(room.id, title="Second", preset_id=PRESET, description="Q&A")
    await wb.sessions.delete(other.session.id)
    await wb.rooms.delete(room.id)

    fresh = seen.bodies("webinar_create_room")[0]["data"]["room"]
    assert "active_session_id" not in fresh and "description" not in fresh
    new = seen.bodies("webinar_create_room_session")[0]["data"]["session"]
    for name in ("description", "started_at", "ended_at", "scheduled_start_time"):
        assert name not in new, name
    live_room = seen.bodies("webinar_get_room")[1]["data"]
    assert live_room["active_session_id"] == session_id
    ended_room = seen.bodies("webinar_get_room")[2]["data"]
    assert "active_session_id" not in ended_room
    ended = seen.bodies("webinar_get_session")[1]["data"]
    assert ended["started_at"] and ended["ended_at"] and ended["status"] == "ended"
    assert seen.bodies("webinar_create_room_session")[1]["data"]["session"]["description"] == "Q&A"
    assert len(seen.operations("webinar")) >= 24
    _check_every_body(sb, seen, "webinar")


async def test_tpstreams_responses_follow_the_spec(recorded: tuple[Sandbox, Seen]) -> None:
    sb, seen = recorded
    tp = sb.tpstreams()
    await tp.organizations.list().to_list()
    folder = await tp.folders.create(title="Course")
    await tp.folders.list().to_list()
    video = await tp.assets.videos.create(
        title="Intro",
        inputs=[{"url": "https://example.com/intro.mp4"}],
        resolutions=["240p", "720p"],
        folder=folder.uuid,
    )
    await tp.assets.videos.bulk_create(
        [{"title": "Bulk", "inputs": [{"url": "https://example.com/b.mp4"}], "resolutions": ["720p"]}]
    )
    await tp.assets.list().to_list()
    await tp.assets.get(video.id)
    await tp.assets.move(video.id)
    token = await tp.assets.access_tokens.create(video.id, time_to_live=60)
    await tp.assets.access_tokens.get(video.id, token.code)
    await tp.assets.access_tokens.update(video.id, token.code, time_to_live=120)
    await tp.assets.chapters.create(video.id, chapters=[{"title": "Start", "start_time": "00:00:00"}])
    await tp.assets.chapters.list(video.id).to_list()
    await tp.assets.upload_subtitle(video.id, subtitle=("en.vtt", b"WEBVTT\n", "text/vtt"), name="English")
    await tp.assets.subtitles.list(video.id).to_list()
    await tp.assets.trim(video.id, start_time=1, end_time=5)
    await tp.assets.get_trim_status(video.id)
    await tp.assets.upload_sessions.create(title="Upload", resolutions=["720p"])
    scheduled = await tp.live_streams.create(title="Later", start=datetime.datetime(2030, 1, 1, 10, 0))
    await tp.live_streams.list().to_list()
    await tp.live_streams.start_server(scheduled.id)
    await tp.live_streams.get(scheduled.id)
    hook = await tp.webhooks.create(url="http://127.0.0.1:9/tp", secret_token="s3cret")
    await tp.webhooks.list().to_list()
    await tp.webhooks.replace(hook.id, url="http://127.0.0.1:9/tp2", secret_token="s3cret")
    await tp.webhooks.delete(hook.id)
    await tp.usage.list().to_list()
    job = await tp.transcoding_jobs.create(
        input_url="https://example.com/a.mp4", output_path="s3://b/out", resolutions=["720p"]
    )
    await tp.transcoding_jobs.list().to_list()
    await tp.transcoding_jobs.get(job.id)
    await tp.assets.delete(video.id)
    assert len(seen.operations("tpstreams")) >= 25
    _check_every_body(sb, seen, "tpstreams")


async def test_realtimekit_responses_follow_the_spec(recorded: tuple[Sandbox, Seen]) -> None:
    sb, seen = recorded
    rtk = sb.realtimekit()
    await rtk.apps.create(name="second")
    await rtk.apps.list().to_list()
    meeting = await rtk.meetings.create(title="Strict")
    await rtk.meetings.create()  # no title
    await rtk.meetings.list().to_list()
    await rtk.meetings.get(meeting.id)
    await rtk.meetings.update(meeting.id, title="Stricter")
    await rtk.meetings.replace(meeting.id, title="Strictest")
    host = await rtk.meetings.participants.add(
        meeting.id, custom_participant_id="host", preset_name="group_call_host"
    )
    await rtk.meetings.participants.list(meeting.id).to_list()
    await rtk.meetings.participants.get(meeting.id, host.id)
    await rtk.meetings.participants.update(meeting.id, host.id, name="Host")
    await rtk.meetings.participants.refresh_token(meeting.id, host.id)
    presets = await rtk.presets.list().to_list()
    base = await rtk.presets.get(presets[0].id)
    made = await rtk.presets.create(
        name="custom", config=base.config, permissions=base.permissions, ui=base.ui
    )
    await rtk.presets.update(made.id, name="custom-2")
    await rtk.presets.replace(
        made.id, name="custom-3", config=base.config, permissions=base.permissions, ui=base.ui
    )
    await rtk.presets.delete(made.id)
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="host")
    active = await rtk.active_session.get(meeting.id)
    await rtk.sessions.list().to_list()
    await rtk.sessions.get(active.id)
    people = await rtk.sessions.participants.list(active.id).to_list()
    await rtk.sessions.participants.get(active.id, people[0].id)
    await rtk.sessions.get_peer_report(people[0].id)
    recording = await rtk.recordings.start(meeting_id=meeting.id)
    await rtk.recordings.get(recording.id)
    await rtk.recordings.get_active(meeting.id)
    await rtk.recordings.list().to_list()
    await rtk.recordings.stop(recording.id)
    live = await rtk.livestreams.start(meeting.id, name="main")
    await rtk.livestreams.get(live.id)
    await rtk.livestreams.get_active_for_meeting(meeting.id)
    await rtk.livestreams.list().to_list()
    hook = await rtk.webhooks.create(name="hook", url="http://127.0.0.1:9/hook", events=["meeting.started"])
    await rtk.webhooks.get(hook.id)
    await rtk.webhooks.list().to_list()
    await rtk.webhooks.list_event_types()
    await rtk.webhooks.update(hook.id, enabled=False)
    await rtk.webhooks.delete(hook.id)
    await rtk.meetings.participants.delete(meeting.id, host.id)
    await rtk.analytics.daywise()
    assert len(seen.operations("realtimekit")) >= 35
    _check_every_body(sb, seen, "realtimekit")
