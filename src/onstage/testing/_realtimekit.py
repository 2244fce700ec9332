"""RealtimeKit state and handlers: apps, meetings, participants, presets and webhooks.

Recordings, livestreams, sessions and the active session live in ``_rtk_live``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from ._core import ApiError, Ctx, Handler, Reply, World, find, iso_now

__all__ = ["HANDLERS", "RtkApp", "fake_jwt", "new_preset", "ok", "paginate", "rtk_app", "rtk_store", "search"]

DEFAULT_PER_PAGE = 20
DEFAULT_PRESETS = (
    ("group_call_host", "GROUP_CALL"),
    ("group_call_participant", "GROUP_CALL"),
    ("webinar_presenter", "WEBINAR"),
    ("webinar_viewer", "WEBINAR"),
    ("livestream_host", "LIVESTREAM"),
    ("livestream_viewer", "LIVESTREAM"),
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def fake_jwt(world: World, claims: dict[str, Any]) -> str:
    """A JWT-looking token (header.claims.signature); the signature is random, not verifiable."""
    header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{header}.{body}.{_b64(world.token(43).encode())}"


@dataclass
class RtkApp:
    account_id: str
    app_id: str
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    participants: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    recordings: dict[str, dict[str, Any]] = field(default_factory=dict)
    livestreams: dict[str, dict[str, Any]] = field(default_factory=dict)
    livestream_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    peers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    active: dict[str, str] = field(default_factory=dict)

    def meeting(self, meeting_id: str) -> dict[str, Any]:
        return find(self.meetings, meeting_id, f"Meeting {meeting_id} not found")

    def preset_id(self, name: str | None) -> str | None:
        for preset in self.presets.values():
            if preset["name"] == name:
                return str(preset["id"])
        return None


def rtk_store(world: World, account_id: str, app_id: str) -> RtkApp:
    def make() -> RtkApp:
        app = RtkApp(account_id, app_id)
        for name, view in DEFAULT_PRESETS:
            preset = new_preset(world, {"name": name})
            preset["config"]["view_type"] = view
            app.presets[preset["id"]] = preset
        return app

    store: RtkApp = world.store(("rtk", account_id, app_id), make)
    return store


def rtk_app(ctx: Ctx) -> RtkApp:
    return rtk_store(ctx.world, ctx.p("account_id"), ctx.p("app_id"))


def ok(data: Any, status: int = 200, paging: dict[str, Any] | None = None) -> Reply:
    body: dict[str, Any] = {"success": True, "data": data}
    if paging is not None:
        body["paging"] = paging
    return Reply(status, body)


def paginate(ctx: Ctx, items: list[Any]) -> tuple[list[Any], dict[str, Any]]:
    page_no = int(ctx.q("page_no", 1) or 1)
    per_page = int(ctx.q("per_page", DEFAULT_PER_PAGE) or DEFAULT_PER_PAGE)
    if page_no < 1:
        raise ApiError(400, "page_no must be at least 1", field="page_no")
    if per_page < 1:
        raise ApiError(400, "per_page must be at least 1", field="per_page")
    start = (page_no - 1) * per_page
    chunk = items[start : start + per_page]
    end = start + len(chunk) - 1 if chunk else start
    return chunk, {"start_offset": start, "end_offset": end, "total_count": len(items)}


def search(items: list[dict[str, Any]], text: str | None, *keys: str) -> list[dict[str, Any]]:
    if not text:
        return items
    needle = str(text).lower()
    return [i for i in items if any(needle in str(i.get(k) or "").lower() for k in keys)]


# -- apps ------------------------------------------------------------------------------------------
def _apps(ctx: Ctx) -> list[dict[str, Any]]:
    account = ctx.p("account_id")
    apps = ctx.world.store(("rtk-apps", account), dict)
    return list(apps.values())


def list_apps(ctx: Ctx) -> Reply:
    chunk, paging = paginate(ctx, search(_apps(ctx), ctx.q("search"), "name"))
    return ok(chunk, paging=paging)


def create_app(ctx: Ctx) -> Reply:
    apps = ctx.world.store(("rtk-apps", ctx.p("account_id")), dict)
    # An app id is a Cloudflare tag (32 hex characters), usable as the app_id path parameter.
    app = {"id": ctx.world.uuid().replace("-", ""), "name": ctx.b("name"), "created_at": iso_now()}
    apps[app["id"]] = app
    return ok({"app": app})


def get_app(ctx: Ctx) -> Reply:
    apps = ctx.world.store(("rtk-apps", ctx.p("account_id")), dict)
    return ok(find(apps, ctx.p("app_id"), f"App {ctx.p('app_id')} not found"))


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
    return fake_jwt(ctx.world, claims)


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
    now = iso_now()
    participant: dict[str, Any] = {
        "id": ctx.world.uuid(),
        "custom_participant_id": custom,
        "preset_name": ctx.b("preset_name"),
        "preset_id": app.preset_id(ctx.b("preset_name")) or ctx.world.uuid(),
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
    for key in ("name", "picture", "preset_name"):
        if isinstance(ctx.body, dict) and key in ctx.body and ctx.body[key] is not None:
            participant[key] = ctx.body[key]
    if ctx.b("preset_name"):
        participant["preset_id"] = rtk_app(ctx).preset_id(ctx.b("preset_name")) or participant["preset_id"]
    participant["updated_at"] = iso_now()
    participant["token"] = _new_token(ctx, participant)
    return ok(participant)


def replace_participant(ctx: Ctx) -> Reply:
    participant = _participant(ctx)
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


def new_preset(world: World, body: dict[str, Any]) -> dict[str, Any]:
    schema = world.spec.components["schemas"].get("realtimekit_Preset", {})
    preset: dict[str, Any] = world.faker.make(schema)
    now = iso_now()
    preset.update({k: v for k, v in body.items()})
    preset.update({"id": world.uuid(), "created_at": now, "updated_at": now})
    return preset


HANDLERS: dict[str, Handler] = {
    "get_apps": list_apps,
    "create_app": create_app,
    "get_app": get_app,
    "get_all_meetings": list_meetings,
    "create_meeting": create_meeting,
    "get_meeting": get_meeting,
    "update_meeting": update_meeting,
    "replace_meeting": replace_meeting,
    "get_meeting_participants": list_participants,
    "add_participant": add_participant,
    "get_meeting_participant": get_participant,
    "edit_participant": edit_participant,
    "replace_participant": replace_participant,
    "delete_meeting_participant": delete_participant,
    "regenerate_token": regenerate_token,
}
