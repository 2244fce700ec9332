"""Typed RealtimeKit events from the payload shapes of the reference (§7)."""

from __future__ import annotations

import copy
from typing import Any

import attrs
import pytest

from onstage.webhooks import (
    EVENT_CLASSES,
    ChatSynced,
    LivestreamingStatusUpdate,
    MeetingEnded,
    MeetingStarted,
    ParticipantJoined,
    ParticipantLeft,
    RealtimeKitEvent,
    RecordingStatusUpdate,
    SummaryReady,
    TranscriptReady,
    WebhookMeeting,
    WebhookOrganizer,
    WebhookParticipant,
    WebhookRecording,
    parse_event,
)

from . import payloads as p

EXPECTED_CLASSES: dict[str, type[RealtimeKitEvent]] = {
    "meeting.started": MeetingStarted,
    "meeting.ended": MeetingEnded,
    "meeting.participantJoined": ParticipantJoined,
    "meeting.participantLeft": ParticipantLeft,
    "meeting.chatSynced": ChatSynced,
    "recording.statusUpdate": RecordingStatusUpdate,
    "livestreaming.statusUpdate": LivestreamingStatusUpdate,
    "meeting.transcript": TranscriptReady,
    "meeting.summary": SummaryReady,
}


def test_nine_event_types_are_registered() -> None:
    assert dict(EVENT_CLASSES) == EXPECTED_CLASSES
    assert set(p.ALL_EVENTS) == set(EXPECTED_CLASSES)


@pytest.mark.parametrize("name", sorted(EXPECTED_CLASSES))
def test_every_event_type_parses(name: str) -> None:
    payload = p.ALL_EVENTS[name]
    event = parse_event(payload, delivery_id="d-1", webhook_id="w-1")
    assert type(event) is EXPECTED_CLASSES[name]
    assert isinstance(event, RealtimeKitEvent)
    assert event.event == name
    assert event.delivery_id == "d-1"
    assert event.webhook_id == "w-1"
    assert event.raw == payload
    assert event.extra == {}  # every documented top-level key is mapped


def _check_meeting(meeting: WebhookMeeting | None, ended: bool = False) -> None:
    assert meeting is not None
    assert meeting.id == p.MEETING_ID
    assert meeting.session_id == p.SESSION_ID
    assert meeting.title == "Weekly all-hands"
    assert meeting.room_name == "abcdef-ghijkl"
    assert meeting.status == "LIVE"
    assert meeting.created_at == "2026-03-02T09:58:01.512Z"
    assert meeting.started_at == "2026-03-02T10:00:12.044Z"
    assert meeting.ended_at == ("2026-03-02T11:02:40.907Z" if ended else None)
    assert meeting.organized_by == WebhookOrganizer(id=p.ORGANIZER["id"], name="Acme Events")
    assert meeting.extra == {}


def test_meeting_started() -> None:
    event = parse_event(p.MEETING_STARTED)
    assert isinstance(event, MeetingStarted)
    _check_meeting(event.meeting)


def test_meeting_ended() -> None:
    event = parse_event(p.MEETING_ENDED)
    assert isinstance(event, MeetingEnded)
    _check_meeting(event.meeting, ended=True)
    assert event.reason == "ALL_PARTICIPANTS_LEFT"


def test_participant_joined_and_left() -> None:
    joined = parse_event(p.PARTICIPANT_JOINED)
    left = parse_event(p.PARTICIPANT_LEFT)
    assert isinstance(joined, ParticipantJoined)
    assert isinstance(left, ParticipantLeft)
    _check_meeting(joined.meeting)
    assert joined.participant == WebhookParticipant(
        peer_id="c6a0e1c2-2b3e-4a57-9f1d-5c0b8e7d9a01",
        user_display_name="Ada Lovelace",
        custom_participant_id="user-1815",
        client_specific_id="user-1815",
        joined_at="2026-03-02T10:01:05.300Z",
    )
    assert joined.participant.left_at is None
    assert left.participant is not None
    assert left.participant.left_at == "2026-03-02T10:45:59.001Z"


def test_participant_legacy_client_specific_id_alias() -> None:
    payload = copy.deepcopy(p.PARTICIPANT_JOINED)
    del payload["participant"]["customParticipantId"]
    payload["participant"]["clientSpecificId"] = "legacy-42"
    event = parse_event(payload)
    assert isinstance(event, ParticipantJoined)
    assert event.participant is not None
    assert event.participant.custom_participant_id == "legacy-42"
    assert event.participant.client_specific_id == "legacy-42"


def test_chat_synced_has_no_meeting_wrapper() -> None:
    event = parse_event(p.CHAT_SYNCED)
    assert isinstance(event, ChatSynced)
    assert event.session_id == p.SESSION_ID
    assert event.meeting_id == p.MEETING_ID
    assert event.title == "Weekly all-hands"
    assert event.chat_download_url == "https://storage.example.test/chat/1f2d6c4e.csv?sig=fake"
    assert event.chat_download_url_expiry == "2026-03-09T11:03:00.000Z"
    assert event.created_at == "2026-03-02T09:58:01.512Z"
    assert event.started_at == "2026-03-02T10:00:12.044Z"
    assert event.ended_at == "2026-03-02T11:02:40.907Z"
    assert event.organized_by is not None
    assert event.organized_by.name == "Acme Events"
    assert not hasattr(event, "meeting")


def test_recording_status_update_keeps_string_file_size() -> None:
    event = parse_event(p.RECORDING_STATUS_UPDATE)
    assert isinstance(event, RecordingStatusUpdate)
    _check_meeting(event.meeting)
    rec = event.recording
    assert isinstance(rec, WebhookRecording)
    assert rec.id == rec.recording_id == "7d3f1e2a-9b8c-4d5e-a6f7-081920a1b2c3"
    assert rec.status == "UPLOADED"
    assert rec.download_url == "https://storage.example.test/rec/7d3f1e2a.mp4?sig=fake"
    assert rec.audio_download_url == "https://storage.example.test/rec/7d3f1e2a.m4a?sig=fake"
    assert rec.download_url_expiry == "2026-03-09T11:10:00.000Z"
    assert rec.started_time == "2026-03-02T10:00:20.000Z"
    assert rec.stopped_time == "2026-03-02T11:02:41.000Z"
    assert rec.file_size == "73400320"  # kept exactly as sent
    assert rec.file_size_bytes == 73400320
    assert rec.output_file_name == "weekly-all-hands_7d3f1e2a.mp4"
    assert rec.meeting_id == p.MEETING_ID
    assert rec.recording_duration == 3741
    assert rec.organization_id == "0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5"
    assert rec.room_uuid == p.SESSION_ID


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1024, 1024),
        (1024.0, 1024),
        ("  2048 ", 2048),
        ("12.5MB", None),
        (None, None),
        (True, None),
        (1.5, None),
    ],
)
def test_file_size_bytes(value: Any, expected: int | None) -> None:
    assert WebhookRecording(file_size=value).file_size_bytes == expected


def test_livestreaming_status_update_hides_stream_key_in_repr() -> None:
    event = parse_event(p.LIVESTREAMING_STATUS_UPDATE)
    assert isinstance(event, LivestreamingStatusUpdate)
    assert event.stream_id == "ls_9f8e7d6c5b4a"
    assert event.status == "LIVE"
    assert event.manual_ingest is False
    assert event.playback_url == "https://live.example.test/ls_9f8e7d6c5b4a/index.m3u8"
    assert event.ingest_server == "rtmps://ingest.example.test:443/live"
    assert event.stream_key == "FAKE-stream-key-0000"
    assert event.meeting is not None
    assert event.meeting.session_id is None
    assert event.meeting.organized_by is not None
    text = repr(event)
    assert "FAKE-stream-key-0000" not in text
    assert "stream_key='[redacted]'" in text
    assert "raw=" not in text


def test_transcript_and_summary() -> None:
    transcript = parse_event(p.TRANSCRIPT)
    summary = parse_event(p.SUMMARY)
    assert isinstance(transcript, TranscriptReady)
    assert isinstance(summary, SummaryReady)
    _check_meeting(transcript.meeting, ended=True)
    _check_meeting(summary.meeting, ended=True)
    assert transcript.transcript_download_url == p.TRANSCRIPT["transcriptDownloadUrl"]
    assert transcript.transcript_download_url_expiry == "2026-03-09T11:05:00.000Z"
    assert summary.summary_download_url == p.SUMMARY["summaryDownloadUrl"]
    assert summary.summary_download_url_expiry == "2026-03-09T11:06:00.000Z"


def test_unknown_event_type_parses_into_generic_event() -> None:
    payload = {"event": "meeting.pollCreated", "meeting": p.MEETING, "poll": {"id": "p1"}}
    event = parse_event(payload, delivery_id="d-2")
    assert type(event) is RealtimeKitEvent
    assert event.event == "meeting.pollCreated"
    assert event.delivery_id == "d-2"
    assert event.raw == payload
    assert event.extra == {"meeting": p.MEETING, "poll": {"id": "p1"}}


@pytest.mark.parametrize(
    "payload", [{}, {"event": None}, {"event": 7, "meeting": {}}, {"meeting": p.MEETING}]
)
def test_missing_or_odd_event_name_is_generic(payload: dict[str, Any]) -> None:
    event = parse_event(payload)
    assert type(event) is RealtimeKitEvent
    assert event.event == ""
    assert event.raw == payload


def test_unknown_fields_are_kept() -> None:
    payload = copy.deepcopy(p.RECORDING_STATUS_UPDATE)
    payload["recording"]["codec"] = "H264"
    payload["meeting"]["region"] = "eu"
    payload["meeting"]["organizedBy"]["email"] = "host@example.test"
    payload["newTopLevel"] = {"a": 1}
    event = parse_event(payload)
    assert isinstance(event, RecordingStatusUpdate)
    assert event.recording is not None and event.recording.extra == {"codec": "H264"}
    assert event.meeting is not None and event.meeting.extra == {"region": "eu"}
    assert event.meeting.organized_by is not None
    assert event.meeting.organized_by.extra == {"email": "host@example.test"}
    assert event.extra == {"newTopLevel": {"a": 1}}
    assert event.raw["newTopLevel"] == {"a": 1}


def test_unexpected_types_do_not_crash() -> None:
    payload = copy.deepcopy(p.RECORDING_STATUS_UPDATE)
    payload["recording"]["fileSize"] = {"value": 1}
    payload["recording"]["recordingDuration"] = "3741"
    payload["meeting"] = "not-an-object"
    event = parse_event(payload)
    assert isinstance(event, RecordingStatusUpdate)
    assert event.recording is not None
    assert event.recording.file_size == {"value": 1}  # type: ignore[comparison-overlap]
    assert event.recording.file_size_bytes is None
    assert event.recording.recording_duration == "3741"
    assert event.meeting is None
    assert event.raw["meeting"] == "not-an-object"

    odd = parse_event({"event": "meeting.participantJoined", "participant": ["x"], "meeting": None})
    assert isinstance(odd, ParticipantJoined)
    assert odd.participant is None and odd.meeting is None

    ended = parse_event({"event": "meeting.ended", "reason": 3})
    assert isinstance(ended, MeetingEnded)
    assert ended.reason == 3  # type: ignore[comparison-overlap]


def test_parse_event_rejects_non_objects() -> None:
    with pytest.raises(TypeError, match="JSON object"):
        parse_event(["meeting.started"])  # type: ignore[arg-type]


def test_events_are_frozen_and_slotted() -> None:
    event = parse_event(p.MEETING_ENDED)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.event = "x"  # type: ignore[misc]
    assert not hasattr(event, "__dict__")
    assert event == parse_event(copy.deepcopy(p.MEETING_ENDED))
    assert event != parse_event(p.MEETING_STARTED)
