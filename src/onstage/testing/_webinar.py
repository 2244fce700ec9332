"""Webinar (Tenbyte Vidinfra) state and handlers: rooms, and sessions up to their creation, listing
and expiry (scheduled → expired). What happens to a session afterwards lives in ``_wb_live``."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

from ._core import Ctx, Handler, Reply, World, find, iso_now

__all__ = [
    "EXPIRE_AFTER",
    "ROOM_HANDLERS",
    "RTMP_URL",
    "WbStore",
    "effective",
    "expire_session",
    "ok",
    "session_of",
    "wb_store",
]

RTMP_URL = "rtmp://127.0.0.1/live"
#: A scheduled session still not started this long after its ``scheduled_start_time`` is ``expired``.
#: (The API's enum has the state; when it is reached is not documented.)
EXPIRE_AFTER = datetime.timedelta(hours=1)


@dataclass
class WbStore:
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    private: dict[str, dict[str, Any]] = field(default_factory=dict)
    host: dict[str, Any] = field(default_factory=dict)


def wb_store(world: World) -> WbStore:
    def make() -> WbStore:
        store = WbStore()
        store.host = {
            "id": world.uuid(),
            "external_user_id": world.uuid(),
            "organization_id": world.uuid(),
            "email": "host@example.com",
            "username": "sandbox-host",
            "role": "host",
            "is_active": True,
            "created_at": iso_now(),
        }
        return store

    store: WbStore = world.store(("wb",), make)
    _expire_overdue(store)
    return store


def _scheduled_at(session: dict[str, Any]) -> datetime.datetime | None:
    raw = session.get("scheduled_start_time")
    if not isinstance(raw, str):
        return None
    try:
        when = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=datetime.UTC)


def _expire(session: dict[str, Any]) -> None:
    session.update({"status": "expired", "updated_at": iso_now()})


def _expire_overdue(store: WbStore) -> None:
    """Scheduled sessions whose start is more than ``EXPIRE_AFTER`` in the past become ``expired``."""
    deadline = datetime.datetime.now(datetime.UTC) - EXPIRE_AFTER
    for session in store.sessions.values():
        if session["status"] == "scheduled":
            when = _scheduled_at(session)
            if when is not None and when <= deadline:
                _expire(session)


def expire_session(world: World, session_id: str) -> dict[str, Any]:
    """Control API: a scheduled session's time passes without it starting (``expired``)."""
    store = wb_store(world)
    session = store.sessions.get(session_id)
    if session is None:
        raise LookupError(f"webinar session {session_id} not found")
    if session["status"] != "scheduled":
        raise ValueError(f"only scheduled sessions can expire (this one is {session['status']})")
    _expire(session)
    return dict(session)


def ok(data: Any, status: int = 200) -> Reply:
    return Reply(status, {"success": True, "data": data, "timestamp": int(time.time())})


def _room(ctx: Ctx) -> dict[str, Any]:
    return find(wb_store(ctx.world).rooms, ctx.p("id"), "Resource not found")


def session_of(ctx: Ctx) -> dict[str, Any]:
    return find(wb_store(ctx.world).sessions, ctx.p("id"), "Resource not found")


def _page(ctx: Ctx, items: list[Any], key: str) -> dict[str, Any]:
    page = int(ctx.q("page", 1))
    limit = int(ctx.q("limit", 10))
    start = (page - 1) * limit
    return {key: items[start : start + limit], "total": len(items), "page": page, "limit": limit}


def _all(items: list[Any], key: str) -> dict[str, Any]:
    return {key: items, "total": len(items), "page": 1, "limit": max(len(items), 10)}


# -- rooms -----------------------------------------------------------------------------------------
def create_room(ctx: Ctx) -> Reply:
    store = wb_store(ctx.world)
    now = iso_now()
    room = {
        "id": ctx.world.uuid(),
        "host_id": store.host["id"],
        "host": store.host,
        "library_id": ctx.world.uuid(),
        "title": ctx.b("title"),
        "description": ctx.b("description"),
        "analytics": ctx.b("analytics") or {"google_tag_manager": {"container_id": "", "enabled": False}},
        "active_session_id": None,
        "created_at": now,
        "updated_at": now,
    }
    store.rooms[room["id"]] = room
    return ok({"room": room}, 201)


def list_rooms(ctx: Ctx) -> Reply:
    return ok(_page(ctx, list(wb_store(ctx.world).rooms.values()), "rooms"))


def list_my_rooms(ctx: Ctx) -> Reply:
    return ok(_all(list(wb_store(ctx.world).rooms.values()), "rooms"))


def get_room(ctx: Ctx) -> Reply:
    return ok(_room(ctx))


def update_room(ctx: Ctx) -> Reply:
    room = _room(ctx)
    for key in ("title", "description", "analytics"):
        if isinstance(ctx.body, dict) and key in ctx.body:
            room[key] = ctx.body[key]
    room["updated_at"] = iso_now()
    return ok(room)


def delete_room(ctx: Ctx) -> Reply:
    store = wb_store(ctx.world)
    room = _room(ctx)
    del store.rooms[room["id"]]
    for sid in [s["id"] for s in store.sessions.values() if s["room_id"] == room["id"]]:
        del store.sessions[sid]
    return ok({"message": "Room deleted successfully", "id": room["id"]})


# -- sessions --------------------------------------------------------------------------------------
def _preset(ctx: Ctx, preset_id: str, mode: str) -> dict[str, Any]:
    preset: dict[str, Any] = ctx.world.faker.make(
        ctx.world.spec.components["schemas"].get("webinar_Preset", {})
    )
    preset.update(
        {
            "id": preset_id,
            "name": "Sandbox preset",
            "type": "rtmp" if mode == "rtmp" else "whip",
            "chat_enabled": True,
            "stage_enabled": True,
            "max_join_limit": 100,
            "recording_enabled": True,
        }
    )
    return preset


def effective(session: dict[str, Any]) -> None:
    preset = session["preset"]
    for name, default in (("chat_enabled", True), ("stage_enabled", True), ("max_join_limit", 100)):
        override = session.get(f"{name}_override")
        session[f"effective_{name}"] = override if override is not None else preset.get(name, default)


def create_session(ctx: Ctx) -> Reply:
    store = wb_store(ctx.world)
    room = _room(ctx)
    now = iso_now()
    mode = ctx.b("mode", "webcam")
    session: dict[str, Any] = {
        "id": ctx.world.uuid(),
        "room_id": room["id"],
        "room": room,
        "preset": _preset(ctx, ctx.b("preset_id"), mode),
        "title": ctx.b("title"),
        "description": ctx.b("description"),
        "status": "scheduled",
        "mode": mode,
        "started_at": None,
        "ended_at": None,
        "duration": 0,
        "scheduled_start_time": ctx.b("scheduled_start_time"),
        "viewer_count": 0,
        "max_viewers": 0,
        "recording_enabled": True,
        "hls_url": "",
        "created_at": now,
        "updated_at": now,
    }
    effective(session)
    store.sessions[session["id"]] = session
    store.private[session["id"]] = {
        "stream_key": f"sk_{ctx.world.token(24)}",
        "ingress_id": f"IN_{ctx.world.token(12)}",
        "host_published": False,
        "video": True,
        "audio": True,
    }
    return ok(
        {"session": session, "rtmp_url": RTMP_URL, "stream_key": store.private[session["id"]]["stream_key"]},
        201,
    )


def list_room_sessions(ctx: Ctx) -> Reply:
    room = _room(ctx)
    items = [s for s in wb_store(ctx.world).sessions.values() if s["room_id"] == room["id"]]
    return ok(_all(items, "sessions"))


def list_sessions(ctx: Ctx) -> Reply:
    return ok(_page(ctx, list(wb_store(ctx.world).sessions.values()), "sessions"))


def list_live(ctx: Ctx) -> Reply:
    return ok(_all([s for s in wb_store(ctx.world).sessions.values() if s["status"] == "live"], "sessions"))


def stats(ctx: Ctx) -> Reply:
    sessions = list(wb_store(ctx.world).sessions.values())

    def count(status: str) -> int:
        return sum(1 for s in sessions if s["status"] == status)

    return ok(
        {
            "total_sessions": len(sessions),
            "live_now": count("live"),
            "scheduled": count("scheduled"),
            "ended": count("ended"),
        }
    )


def get_session(ctx: Ctx) -> Reply:
    return ok(session_of(ctx))


def delete_session(ctx: Ctx) -> Reply:
    session = session_of(ctx)
    store = wb_store(ctx.world)
    del store.sessions[session["id"]]
    store.private.pop(session["id"], None)
    room = store.rooms.get(session["room_id"])
    if room and room.get("active_session_id") == session["id"]:
        room["active_session_id"] = None
    return ok({"message": "Session deleted successfully", "id": session["id"]})


ROOM_HANDLERS: dict[str, Handler] = {
    "webinar_list_rooms": list_rooms,
    "webinar_create_room": create_room,
    "webinar_list_my_rooms": list_my_rooms,
    "webinar_get_room": get_room,
    "webinar_update_room": update_room,
    "webinar_delete_room": delete_room,
    "webinar_list_room_sessions": list_room_sessions,
    "webinar_create_room_session": create_session,
    "webinar_list_sessions": list_sessions,
    "webinar_list_live_sessions": list_live,
    "webinar_get_session_stats": stats,
    "webinar_get_session": get_session,
    "webinar_delete_session": delete_session,
}
