"""Realistic webhook payloads, built from the RealtimeKit reference §7 table and TP Streams §5/§6.

Secrets here are obviously fake.
"""

from __future__ import annotations

import json
from typing import Any

MEETING_ID = "bbb9c4a3-7b1a-4b8e-9e31-3e6f2f0f6a11"
SESSION_ID = "1f2d6c4e-55aa-4d2b-8a4c-0d7c1c9b2e33"
ORGANIZER = {"id": "4a1d0f0e-7c6b-4e0b-9d4f-0e3c2a1b5d66", "name": "Acme Events"}

MEETING = {
    "id": MEETING_ID,
    "sessionId": SESSION_ID,
    "title": "Weekly all-hands",
    "roomName": "abcdef-ghijkl",
    "status": "LIVE",
    "createdAt": "2026-03-02T09:58:01.512Z",
    "startedAt": "2026-03-02T10:00:12.044Z",
    "organizedBy": ORGANIZER,
}

MEETING_STARTED: dict[str, Any] = {"event": "meeting.started", "meeting": MEETING}

MEETING_ENDED: dict[str, Any] = {
    "event": "meeting.ended",
    "meeting": {**MEETING, "endedAt": "2026-03-02T11:02:40.907Z"},
    "reason": "ALL_PARTICIPANTS_LEFT",
}

PARTICIPANT = {
    "peerId": "c6a0e1c2-2b3e-4a57-9f1d-5c0b8e7d9a01",
    "userDisplayName": "Ada Lovelace",
    "customParticipantId": "user-1815",
    "clientSpecificId": "user-1815",
    "joinedAt": "2026-03-02T10:01:05.300Z",
}

PARTICIPANT_JOINED: dict[str, Any] = {
    "event": "meeting.participantJoined",
    "meeting": MEETING,
    "participant": PARTICIPANT,
}

PARTICIPANT_LEFT: dict[str, Any] = {
    "event": "meeting.participantLeft",
    "meeting": MEETING,
    "participant": {**PARTICIPANT, "leftAt": "2026-03-02T10:45:59.001Z"},
}

CHAT_SYNCED: dict[str, Any] = {
    "event": "meeting.chatSynced",
    "sessionId": SESSION_ID,
    "meetingId": MEETING_ID,
    "title": "Weekly all-hands",
    "chatDownloadUrl": "https://storage.example.test/chat/1f2d6c4e.csv?sig=fake",
    "chatDownloadUrlExpiry": "2026-03-09T11:03:00.000Z",
    "createdAt": "2026-03-02T09:58:01.512Z",
    "startedAt": "2026-03-02T10:00:12.044Z",
    "endedAt": "2026-03-02T11:02:40.907Z",
    "organizedBy": ORGANIZER,
}

RECORDING_STATUS_UPDATE: dict[str, Any] = {
    "event": "recording.statusUpdate",
    "recording": {
        "id": "7d3f1e2a-9b8c-4d5e-a6f7-081920a1b2c3",
        "recordingId": "7d3f1e2a-9b8c-4d5e-a6f7-081920a1b2c3",
        "status": "UPLOADED",
        "downloadUrl": "https://storage.example.test/rec/7d3f1e2a.mp4?sig=fake",
        "audioDownloadUrl": "https://storage.example.test/rec/7d3f1e2a.m4a?sig=fake",
        "downloadUrlExpiry": "2026-03-09T11:10:00.000Z",
        "startedTime": "2026-03-02T10:00:20.000Z",
        "stoppedTime": "2026-03-02T11:02:41.000Z",
        "fileSize": "73400320",  # a string, as in the documented example
        "outputFileName": "weekly-all-hands_7d3f1e2a.mp4",
        "meetingId": MEETING_ID,
        "recordingDuration": 3741,
        "organizationId": "0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5",
        "roomUUID": SESSION_ID,
    },
    "meeting": MEETING,
}

LIVESTREAMING_STATUS_UPDATE: dict[str, Any] = {
    "event": "livestreaming.statusUpdate",
    "streamId": "ls_9f8e7d6c5b4a",
    "status": "LIVE",
    "manualIngest": False,
    "playbackUrl": "https://live.example.test/ls_9f8e7d6c5b4a/index.m3u8",
    "ingestServer": "rtmps://ingest.example.test:443/live",
    "streamKey": "FAKE-stream-key-0000",
    "meeting": {
        "id": MEETING_ID,
        "title": "Weekly all-hands",
        "createdAt": "2026-03-02T09:58:01.512Z",
        "roomName": "abcdef-ghijkl",
        "status": "LIVE",
        "organizedBy": ORGANIZER,
    },
}

TRANSCRIPT: dict[str, Any] = {
    "event": "meeting.transcript",
    "meeting": {**MEETING, "endedAt": "2026-03-02T11:02:40.907Z"},
    "transcriptDownloadUrl": "https://storage.example.test/ai/1f2d6c4e-transcript.csv?sig=fake",
    "transcriptDownloadUrlExpiry": "2026-03-09T11:05:00.000Z",
}

SUMMARY: dict[str, Any] = {
    "event": "meeting.summary",
    "meeting": {**MEETING, "endedAt": "2026-03-02T11:02:40.907Z"},
    "summaryDownloadUrl": "https://storage.example.test/ai/1f2d6c4e-summary.md?sig=fake",
    "summaryDownloadUrlExpiry": "2026-03-09T11:06:00.000Z",
}

ALL_EVENTS: dict[str, dict[str, Any]] = {
    p["event"]: p
    for p in (
        MEETING_STARTED,
        MEETING_ENDED,
        PARTICIPANT_JOINED,
        PARTICIPANT_LEFT,
        CHAT_SYNCED,
        RECORDING_STATUS_UPDATE,
        LIVESTREAMING_STATUS_UPDATE,
        TRANSCRIPT,
        SUMMARY,
    )
}

# --- TP Streams: the full Asset JSON, no envelope ------------------------------------------------

TP_LIVE_STREAM_ASSET: dict[str, Any] = {
    "id": "8Jb2nPqR4sT",
    "title": "Physics live class",
    "bytes": None,
    "type": "livestream",
    "video": None,
    "live_stream": {
        "rtmp_url": "rtmp://203.0.113.10/live",
        "stream_key": "org-fake-live-8Jb2nPqR4sT-AbCd",
        "status": "Streaming",
        "hls_url": "https://d1.example.test/live/fakeorg/8Jb2nPqR4sT/video.m3u8",
        "start": "2026-03-02 10:00:00",
        "transcode_recorded_video": True,
        "enable_drm_for_recording": False,
        "enable_drm": False,
        "chat_embed_url": "https://app.tpstreams.com/live-chat/fakeorg/8Jb2nPqR4sT/",
        "resolutions": ["240p", "480p", "720p"],
        "enable_llhls": False,
        "latency": "Normal Latency",
        "activities": [{"status": "On Publish", "timestamp": "March 02, 2026, 10:00 AM"}],
    },
    "parent_id": None,
}

TP_VIDEO_ASSET: dict[str, Any] = {
    "id": "Zx9Yw8Vu7Ts",
    "title": "Lecture 4 - Thermodynamics",
    "bytes": 524288000,
    "type": "video",
    "video": {
        "progress": 100,
        "thumbnails": ["https://d1.example.test/thumbs/Zx9Yw8Vu7Ts/1.png"],
        "status": "Completed",
        "playback_url": "https://d1.example.test/Zx9Yw8Vu7Ts/video.m3u8",
        "dash_url": "https://d1.example.test/Zx9Yw8Vu7Ts/video.mpd",
        "preview_thumbnail_url": None,
        "cover_thumbnail_url": None,
        "format": "abr",
        "resolutions": ["240p", "360p", "480p", "720p"],
        "video_codec": "h264",
        "audio_codec": "aac",
        "enable_drm": False,
        "tracks": [],
        "inputs": [{"url": "https://uploads.example.test/lecture4.mp4"}],
        "transmux_only": False,
        "duration": 3605,
    },
    "live_stream": None,
    "parent": {"title": "Physics", "uuid": "5f0e4d3c-2b1a-4098-8776-655443322110"},
    "parent_id": "5f0e4d3c-2b1a-4098-8776-655443322110",
}


def dumps(payload: dict[str, Any]) -> bytes:
    """Serialize like a real sender would (compact, UTF-8)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
