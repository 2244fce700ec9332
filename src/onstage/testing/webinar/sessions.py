"""Webinar sessions up to their start: creation in a room, listing, stats, deletion, and expiry
(scheduled -> expired, also the control action ``expire_session``). After that: ``live``."""

from __future__ import annotations

from typing import Any

from .._engine.faker import iso_now
from .._engine.handler import Ctx, Reply
from .._engine.spec import FieldError
from .._engine.world import World
from .state import RTMP_URL, effective, expire, ok, page, room_of, session_of, wb_store, whole
from .wire import validation_error

__all__ = [
    "create_session",
    "delete_session",
    "expire_session",
    "get_session",
    "list_live",
    "list_room_sessions",
    "list_sessions",
    "stats",
]


def _unknown_preset(preset_id: object) -> Reply:
    """The 422 for a ``preset_id`` that names none of the account's presets (why 422: ``presets``)."""
    problem = FieldError("preset_id", f"No preset with id {preset_id}: use one of the account's presets.")
    return Reply(*validation_error([problem]))


def create_session(ctx: Ctx) -> Reply:
    store = wb_store(ctx.world)
    room = room_of(ctx)
    preset = store.presets.get(ctx.b("preset_id"))
    if preset is None:
        return _unknown_preset(ctx.b("preset_id"))
    now = iso_now()
    mode = ctx.b("mode", "webcam")
    session: dict[str, Any] = {
        "id": ctx.world.uuid(),
        "room_id": room["id"],
        "room": room,
        "preset": dict(preset),
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
    room = room_of(ctx)
    items = [s for s in wb_store(ctx.world).sessions.values() if s["room_id"] == room["id"]]
    return ok(whole(items, "sessions"))


def list_sessions(ctx: Ctx) -> Reply:
    return ok(page(ctx, list(wb_store(ctx.world).sessions.values()), "sessions"))


def list_live(ctx: Ctx) -> Reply:
    return ok(whole([s for s in wb_store(ctx.world).sessions.values() if s["status"] == "live"], "sessions"))


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


def expire_session(world: World, session_id: str) -> dict[str, Any]:
    """A scheduled webinar session's time passes without it starting: ``expired``. Start, go-live,
    join and end then answer 400. (It also happens on its own ``EXPIRE_AFTER`` past the schedule.)"""
    store = wb_store(world)
    session = store.sessions.get(session_id)
    if session is None:
        raise LookupError(f"webinar session {session_id} not found")
    if session["status"] != "scheduled":
        raise ValueError(f"only scheduled sessions can expire (this one is {session['status']})")
    expire(session)
    return dict(session)
