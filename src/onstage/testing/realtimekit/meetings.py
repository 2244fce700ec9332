"""RealtimeKit meetings and their participants (with their client tokens)."""

from __future__ import annotations

from typing import Any

from .._engine.faker import iso_now
from .._engine.handler import ApiError, Ctx, Reply, find
from .state import ok, paginate, rtk_app, search

__all__ = [
    "add_participant",
    "create_meeting",
    "delete_participant",
    "edit_participant",
    "get_meeting",
    "get_participant",
    "list_meetings",
    "list_participants",
    "regenerate_token",
    "replace_meeting",
    "replace_participant",
    "update_meeting",
]


# -- meetings --------------------------------------------------------------------------------------
_SETTINGS = (
    "record_on_start",
    "live_stream_on_start",
    "persist_chat",
    "summarize_on_end",
    "transcribe_on_end",
    "session_keep_alive_time_in_secs",
)
_MEETING_FIELDS = ("title", *_SETTINGS, "ai_config", "recording_config")
_LIST_FIELDS = ("id", "title", "status", "created_at", "updated_at", *_SETTINGS)


def _meeting_defaults() -> dict[str, Any]:
    return {
        "title": None,
        "status": "ACTIVE",
        "record_on_start": False,
        "live_stream_on_start": False,
        "persist_chat": False,
        "summarize_on_end": False,
        "transcribe_on_end": False,
        "session_keep_alive_time_in_secs": 60,
    }


def _set_meeting_fields(meeting: dict[str, Any], body: Any, fields: tuple[str, ...]) -> None:
    """Copy the body's fields; an explicit ``null`` (allowed for some flags) means the default."""
    defaults = _meeting_defaults()
    for key, value in (body if isinstance(body, dict) else {}).items():
        if key in fields:
            meeting[key] = defaults.get(key) if value is None else value


def create_meeting(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    now = iso_now()
    meeting = {"id": ctx.world.uuid(), **_meeting_defaults(), "created_at": now, "updated_at": now}
    _set_meeting_fields(meeting, ctx.body, _MEETING_FIELDS)
    app.meetings[meeting["id"]] = meeting
    app.participants[meeting["id"]] = {}
    return ok(meeting, 201)


def get_meeting(ctx: Ctx) -> Reply:
    return ok(rtk_app(ctx).meeting(ctx.p("meeting_id")))


def update_meeting(ctx: Ctx) -> Reply:
    meeting = rtk_app(ctx).meeting(ctx.p("meeting_id"))
    _set_meeting_fields(meeting, ctx.body, (*_MEETING_FIELDS, "status"))
    meeting["updated_at"] = iso_now()
    return ok(meeting)


def replace_meeting(ctx: Ctx) -> Reply:
    meeting = rtk_app(ctx).meeting(ctx.p("meeting_id"))
    kept = {k: meeting[k] for k in ("id", "created_at")}
    meeting.clear()
    meeting.update({**_meeting_defaults(), **kept})
    _set_meeting_fields(meeting, ctx.body, (*_MEETING_FIELDS, "status"))
    meeting["updated_at"] = iso_now()
    return ok(meeting)


def list_meetings(ctx: Ctx) -> Reply:
    items = list(rtk_app(ctx).meetings.values())
    items = search(items, ctx.q("search"), "title", "id")
    if ctx.q("status"):
        items = [m for m in items if m.get("status") == ctx.q("status")]
    if ctx.q("start_time"):
        items = [m for m in items if m["created_at"] >= ctx.q("start_time")]
    if ctx.q("end_time"):
        items = [m for m in items if m["created_at"] <= ctx.q("end_time")]
    chunk, paging = paginate(ctx, items)
    return ok([{k: m.get(k) for k in _LIST_FIELDS} for m in chunk], paging=paging)


# -- meeting participants --------------------------------------------------------------------------
def _participants(ctx: Ctx) -> dict[str, dict[str, Any]]:
    app = rtk_app(ctx)
    app.meeting(ctx.p("meeting_id"))
    return app.participants.setdefault(ctx.p("meeting_id"), {})


def _participant(ctx: Ctx) -> dict[str, Any]:
    participant_id = ctx.p("participant_id")
    return find(_participants(ctx), participant_id, f"Participant {participant_id} not found")


def _public(participant: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in participant.items() if k != "token"}


def _new_token(ctx: Ctx, participant: dict[str, Any]) -> str:
    claims = {
        "sub": participant["id"],
        "meetingId": ctx.p("meeting_id"),
        "orgId": ctx.p("app_id"),
        "presetId": participant.get("preset_id"),
        "iat": int(ctx.world.now()),
    }
    return ctx.world.faker.jwt(claims)


def add_participant(ctx: Ctx) -> Reply:
    participants = _participants(ctx)
    app = rtk_app(ctx)
    custom = ctx.b("custom_participant_id")
    for existing in participants.values():
        if existing["custom_participant_id"] == custom:
            raise ApiError(
                400,
                f"custom_participant_id {custom!r} already exists in this meeting",
                field="custom_participant_id",
            )
    preset_id = app.known_preset_id(ctx.b("preset_name"))
    now = iso_now()
    participant: dict[str, Any] = {
        "id": ctx.world.uuid(),
        "custom_participant_id": custom,
        "preset_name": ctx.b("preset_name"),
        "preset_id": preset_id,
        "name": ctx.b("name"),
        "picture": ctx.b("picture"),
        "created_at": now,
        "updated_at": now,
    }
    participant["token"] = _new_token(ctx, participant)
    participants[participant["id"]] = participant
    return ok(participant, 201)


def list_participants(ctx: Ctx) -> Reply:
    chunk, paging = paginate(ctx, [_public(p) for p in _participants(ctx).values()])
    return ok(chunk, paging=paging)


def get_participant(ctx: Ctx) -> Reply:
    return ok(_public(_participant(ctx)))


def edit_participant(ctx: Ctx) -> Reply:
    participant = _participant(ctx)
    preset_name = ctx.b("preset_name")
    preset_id = rtk_app(ctx).known_preset_id(preset_name) if preset_name is not None else None
    for key in ("name", "picture", "preset_name"):
        if isinstance(ctx.body, dict) and key in ctx.body and ctx.body[key] is not None:
            participant[key] = ctx.body[key]
    if preset_id is not None:
        participant["preset_id"] = preset_id
    participant["updated_at"] = iso_now()
    participant["token"] = _new_token(ctx, participant)
    return ok(participant)


def replace_participant(ctx: Ctx) -> Reply:
    participant = _participant(ctx)
    preset_name = ctx.b("preset_name")
    if preset_name is not None:
        participant["preset_id"] = rtk_app(ctx).known_preset_id(preset_name)
    for key in ("name", "picture", "preset_name", "custom_participant_id"):
        participant[key] = ctx.b(
            key, participant.get(key) if key in ("preset_name", "custom_participant_id") else None
        )
    participant["updated_at"] = iso_now()
    participant["token"] = _new_token(ctx, participant)
    return ok(participant)


def delete_participant(ctx: Ctx) -> Reply:
    participant = _participant(ctx)
    del _participants(ctx)[participant["id"]]
    keys = ("created_at", "custom_participant_id", "preset_id", "updated_at")
    return ok({k: participant[k] for k in keys})


def regenerate_token(ctx: Ctx) -> Reply:
    participant = _participant(ctx)
    participant["token"] = _new_token(ctx, participant)
    return ok({"token": participant["token"]})
