"""Typed RealtimeKit webhook events.

Payload keys are camelCase (unlike the REST API); attributes are snake_case. Parsing never fails on
content: an unknown ``event`` gives a plain ``RealtimeKitEvent``, a scalar of an unexpected type is
kept as given (``fileSize`` arrives as a string in the documented example), a nested object that is
not an object becomes ``None``, and every key we do not map is kept in ``extra``. The whole parsed
payload is always on ``event.raw``.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from .._redact import redacted_repr
from ._models import WebhookMeeting, WebhookOrganizer, WebhookParticipant, WebhookRecording, nested, split

__all__ = [
    "EVENT_CLASSES",
    "ChatSynced",
    "LivestreamingStatusUpdate",
    "MeetingEnded",
    "MeetingStarted",
    "ParticipantJoined",
    "ParticipantLeft",
    "RealtimeKitEvent",
    "RecordingStatusUpdate",
    "SummaryReady",
    "TranscriptReady",
    "parse_event",
]


@attrs.frozen(kw_only=True)
class RealtimeKitEvent:
    """A verified RealtimeKit delivery. Subclasses add typed fields; this class alone is used for
    event types this SDK does not know yet.

    ``delivery_id`` is the ``rtk-uuid`` header (de-duplicate on it: deliveries can be retried) and
    ``webhook_id`` the ``rtk-webhook-id`` header. ``raw`` is the whole parsed payload.
    """

    EVENT: ClassVar[str] = ""
    _KEYS: ClassVar[Mapping[str, str]] = {}

    event: str
    delivery_id: str | None = None
    webhook_id: str | None = None
    raw: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def extra(self) -> dict[str, Any]:
        """Top-level payload keys this class does not map to an attribute."""
        return {k: v for k, v in self.raw.items() if k != "event" and k not in self._KEYS}

    @classmethod
    def _fields(cls, payload: Mapping[str, Any]) -> dict[str, Any]:
        known, _ = split(payload, cls._KEYS)
        if "meeting" in known:
            known["meeting"] = nested(known["meeting"], WebhookMeeting.from_dict)
        return known


@attrs.frozen(kw_only=True)
class MeetingStarted(RealtimeKitEvent):
    """``meeting.started``."""

    EVENT: ClassVar[str] = "meeting.started"
    _KEYS: ClassVar[Mapping[str, str]] = {"meeting": "meeting"}

    meeting: WebhookMeeting | None = None


@attrs.frozen(kw_only=True)
class MeetingEnded(RealtimeKitEvent):
    """``meeting.ended``; ``reason`` is ``HOST_ENDED_MEETING`` or ``ALL_PARTICIPANTS_LEFT`` (open)."""

    EVENT: ClassVar[str] = "meeting.ended"
    _KEYS: ClassVar[Mapping[str, str]] = {"meeting": "meeting", "reason": "reason"}

    meeting: WebhookMeeting | None = None
    reason: str | None = None


@attrs.frozen(kw_only=True)
class _ParticipantEvent(RealtimeKitEvent):
    _KEYS: ClassVar[Mapping[str, str]] = {"meeting": "meeting", "participant": "participant"}

    meeting: WebhookMeeting | None = None
    participant: WebhookParticipant | None = None

    @classmethod
    def _fields(cls, payload: Mapping[str, Any]) -> dict[str, Any]:
        known = super()._fields(payload)
        known["participant"] = nested(known["participant"], WebhookParticipant.from_dict)
        return known


@attrs.frozen(kw_only=True)
class ParticipantJoined(_ParticipantEvent):
    """``meeting.participantJoined``."""

    EVENT: ClassVar[str] = "meeting.participantJoined"


@attrs.frozen(kw_only=True)
class ParticipantLeft(_ParticipantEvent):
    """``meeting.participantLeft`` (``participant.left_at`` is set)."""

    EVENT: ClassVar[str] = "meeting.participantLeft"


@attrs.frozen(kw_only=True)
class ChatSynced(RealtimeKitEvent):
    """``meeting.chatSynced``: the chat export is ready. No ``meeting`` wrapper in this payload."""

    EVENT: ClassVar[str] = "meeting.chatSynced"
    _KEYS: ClassVar[Mapping[str, str]] = {
        "sessionId": "session_id",
        "meetingId": "meeting_id",
        "title": "title",
        "chatDownloadUrl": "chat_download_url",
        "chatDownloadUrlExpiry": "chat_download_url_expiry",
        "createdAt": "created_at",
        "startedAt": "started_at",
        "endedAt": "ended_at",
        "organizedBy": "organized_by",
    }

    session_id: str | None = None
    meeting_id: str | None = None
    title: str | None = None
    chat_download_url: str | None = None
    chat_download_url_expiry: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    organized_by: WebhookOrganizer | None = None

    @classmethod
    def _fields(cls, payload: Mapping[str, Any]) -> dict[str, Any]:
        known = super()._fields(payload)
        known["organized_by"] = nested(known["organized_by"], WebhookOrganizer.from_dict)
        return known


@attrs.frozen(kw_only=True)
class RecordingStatusUpdate(RealtimeKitEvent):
    """``recording.statusUpdate``; ``recording.status`` is RECORDING, UPLOADING, UPLOADED, ERRORED…"""

    EVENT: ClassVar[str] = "recording.statusUpdate"
    _KEYS: ClassVar[Mapping[str, str]] = {"recording": "recording", "meeting": "meeting"}

    recording: WebhookRecording | None = None
    meeting: WebhookMeeting | None = None

    @classmethod
    def _fields(cls, payload: Mapping[str, Any]) -> dict[str, Any]:
        known = super()._fields(payload)
        known["recording"] = nested(known["recording"], WebhookRecording.from_dict)
        return known


@attrs.frozen(kw_only=True)
class LivestreamingStatusUpdate(RealtimeKitEvent):
    """``livestreaming.statusUpdate``; ``status`` is LIVE, OFFLINE, IDLE (open). ``stream_key`` is
    a secret: it is left out of ``repr()``."""

    EVENT: ClassVar[str] = "livestreaming.statusUpdate"
    _KEYS: ClassVar[Mapping[str, str]] = {
        "streamId": "stream_id",
        "status": "status",
        "manualIngest": "manual_ingest",
        "playbackUrl": "playback_url",
        "ingestServer": "ingest_server",
        "streamKey": "stream_key",
        "meeting": "meeting",
    }

    stream_id: str | None = None
    status: str | None = None
    manual_ingest: bool | None = None
    playback_url: str | None = None
    ingest_server: str | None = None
    stream_key: str | None = attrs.field(default=None, repr=redacted_repr)
    meeting: WebhookMeeting | None = None


@attrs.frozen(kw_only=True)
class TranscriptReady(RealtimeKitEvent):
    """``meeting.transcript``: the transcript can be downloaded until the expiry."""

    EVENT: ClassVar[str] = "meeting.transcript"
    _KEYS: ClassVar[Mapping[str, str]] = {
        "meeting": "meeting",
        "transcriptDownloadUrl": "transcript_download_url",
        "transcriptDownloadUrlExpiry": "transcript_download_url_expiry",
    }

    meeting: WebhookMeeting | None = None
    transcript_download_url: str | None = None
    transcript_download_url_expiry: str | None = None


@attrs.frozen(kw_only=True)
class SummaryReady(RealtimeKitEvent):
    """``meeting.summary``: the AI summary can be downloaded until the expiry."""

    EVENT: ClassVar[str] = "meeting.summary"
    _KEYS: ClassVar[Mapping[str, str]] = {
        "meeting": "meeting",
        "summaryDownloadUrl": "summary_download_url",
        "summaryDownloadUrlExpiry": "summary_download_url_expiry",
    }

    meeting: WebhookMeeting | None = None
    summary_download_url: str | None = None
    summary_download_url_expiry: str | None = None


_CLASSES: tuple[type[RealtimeKitEvent], ...] = (
    MeetingStarted,
    MeetingEnded,
    ParticipantJoined,
    ParticipantLeft,
    ChatSynced,
    RecordingStatusUpdate,
    LivestreamingStatusUpdate,
    TranscriptReady,
    SummaryReady,
)

#: ``event`` name → class, for the nine documented event types.
EVENT_CLASSES: Mapping[str, type[RealtimeKitEvent]] = types.MappingProxyType({c.EVENT: c for c in _CLASSES})


def parse_event(
    payload: Mapping[str, Any], *, delivery_id: str | None = None, webhook_id: str | None = None
) -> RealtimeKitEvent:
    """Build the typed event for a parsed (already verified) payload. Never fails on content."""
    if not isinstance(payload, Mapping):
        raise TypeError(f"a webhook payload is a JSON object (dict), not {type(payload).__name__}")
    raw = dict(payload)
    name = raw.get("event")
    cls = EVENT_CLASSES.get(name, RealtimeKitEvent) if isinstance(name, str) else RealtimeKitEvent
    return cls(
        event=name if isinstance(name, str) else "",
        delivery_id=delivery_id,
        webhook_id=webhook_id,
        raw=raw,
        **cls._fields(raw),
    )
