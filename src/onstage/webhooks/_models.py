"""The nested objects of RealtimeKit webhook payloads (``meeting``, ``participant``, ``recording``,
``organizedBy``), camelCase keys mapped to snake_case attributes, unmapped keys kept in ``extra``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

import attrs

__all__ = ["WebhookMeeting", "WebhookOrganizer", "WebhookParticipant", "WebhookRecording", "nested", "split"]

_T = TypeVar("_T")


def split(data: Mapping[str, Any], keys: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``({attr: value}, {unmapped key: value})`` for a ``{payloadKey: attr}`` table."""
    known = {attr: data.get(key) for key, attr in keys.items()}
    extra = {k: v for k, v in data.items() if k not in keys}
    return known, extra


def nested(value: Any, parse: Callable[[Mapping[str, Any]], _T]) -> _T | None:
    return parse(value) if isinstance(value, Mapping) else None


@attrs.frozen(kw_only=True)
class WebhookOrganizer:
    """``organizedBy``: who owns the meeting."""

    _KEYS: ClassVar[Mapping[str, str]] = {"id": "id", "name": "name"}

    id: str | None = None
    name: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WebhookOrganizer:
        known, extra = split(data, cls._KEYS)
        return cls(**known, extra=extra)


@attrs.frozen(kw_only=True)
class WebhookMeeting:
    """The ``meeting`` object of a delivery (``endedAt`` only on ``meeting.ended``)."""

    _KEYS: ClassVar[Mapping[str, str]] = {
        "id": "id",
        "sessionId": "session_id",
        "title": "title",
        "roomName": "room_name",
        "status": "status",
        "createdAt": "created_at",
        "startedAt": "started_at",
        "endedAt": "ended_at",
        "organizedBy": "organized_by",
    }

    id: str | None = None
    session_id: str | None = None
    title: str | None = None
    room_name: str | None = None
    status: str | None = None
    created_at: str | None = None
    started_at: str | None = None
    ended_at: str | None = None
    organized_by: WebhookOrganizer | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WebhookMeeting:
        known, extra = split(data, cls._KEYS)
        known["organized_by"] = nested(known["organized_by"], WebhookOrganizer.from_dict)
        return cls(**known, extra=extra)


@attrs.frozen(kw_only=True)
class WebhookParticipant:
    """The ``participant`` of ``meeting.participantJoined`` / ``meeting.participantLeft``.

    ``custom_participant_id`` falls back to the legacy alias ``clientSpecificId`` when the payload
    only carries that one; ``client_specific_id`` is always the alias as sent.
    """

    _KEYS: ClassVar[Mapping[str, str]] = {
        "peerId": "peer_id",
        "userDisplayName": "user_display_name",
        "customParticipantId": "custom_participant_id",
        "clientSpecificId": "client_specific_id",
        "joinedAt": "joined_at",
        "leftAt": "left_at",
    }

    peer_id: str | None = None
    user_display_name: str | None = None
    custom_participant_id: str | None = None
    client_specific_id: str | None = None
    joined_at: str | None = None
    left_at: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WebhookParticipant:
        known, extra = split(data, cls._KEYS)
        if known["custom_participant_id"] is None:
            known["custom_participant_id"] = known["client_specific_id"]
        return cls(**known, extra=extra)


@attrs.frozen(kw_only=True)
class WebhookRecording:
    """The ``recording`` of ``recording.statusUpdate``.

    ``file_size`` and ``recording_duration`` are kept exactly as sent (the documented example sends
    ``fileSize`` as a string); ``file_size_bytes`` gives an ``int`` when the value is a whole number.
    """

    _KEYS: ClassVar[Mapping[str, str]] = {
        "id": "id",
        "recordingId": "recording_id",
        "status": "status",
        "downloadUrl": "download_url",
        "audioDownloadUrl": "audio_download_url",
        "downloadUrlExpiry": "download_url_expiry",
        "startedTime": "started_time",
        "stoppedTime": "stopped_time",
        "fileSize": "file_size",
        "outputFileName": "output_file_name",
        "meetingId": "meeting_id",
        "recordingDuration": "recording_duration",
        "organizationId": "organization_id",
        "roomUUID": "room_uuid",
    }

    id: str | None = None
    recording_id: str | None = None
    status: str | None = None
    download_url: str | None = None
    audio_download_url: str | None = None
    download_url_expiry: str | None = None
    started_time: str | None = None
    stopped_time: str | None = None
    file_size: int | float | str | None = None
    output_file_name: str | None = None
    meeting_id: str | None = None
    recording_duration: int | float | str | None = None
    organization_id: str | None = None
    room_uuid: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WebhookRecording:
        known, extra = split(data, cls._KEYS)
        return cls(**known, extra=extra)

    @property
    def file_size_bytes(self) -> int | None:
        """``file_size`` as an ``int`` (``"1048576"`` → ``1048576``), or ``None`` if it is not one."""
        value = self.file_size
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        return None
