"""Webinar (Tenbyte Vidinfra) state and handlers: rooms and sessions
(scheduled → live → ended), LiveKit-looking tokens, RTMP/WHIP ingest details."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ._core import ApiError, Ctx, Handler, Reply, World, iso_now
from ._realtimekit import fake_jwt

__all__ = ["HANDLERS", "WbStore", "host_publish", "wb_store"]

RTMP_URL = "rtmp://127.0.0.1/live"


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
    return store


def ok(data: Any, status: int = 200) -> Reply:
    return Reply(status, {"success": True, "data": data, "timestamp": int(time.time())})


def _room(ctx: Ctx) -> dict[str, Any]:
    room = wb_store(ctx.world).rooms.get(ctx.p("id"))
    if room is None:
        raise ApiError(404, "Resource not found")
    return room


def _session(ctx: Ctx) -> dict[str, Any]:
    session = wb_store(ctx.world).sessions.get(ctx.p("id"))
    if session is None:
        raise ApiError(404, "Resource not found")
    return session


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


def _effective(session: dict[str, Any]) -> None:
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
    _effective(session)
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
    return ok(_session(ctx))


def delete_session(ctx: Ctx) -> Reply:
    session = _session(ctx)
    store = wb_store(ctx.world)
    del store.sessions[session["id"]]
    store.private.pop(session["id"], None)
    room = store.rooms.get(session["room_id"])
    if room and room.get("active_session_id") == session["id"]:
        room["active_session_id"] = None
    return ok({"message": "Session deleted successfully", "id": session["id"]})


def _token(ctx: Ctx, session: dict[str, Any], identity: str, *, publish: bool) -> str:
    claims = {
        "sub": identity,
        "video": {"room": session["id"], "roomJoin": True, "canPublish": publish},
        "iss": "sandbox",
        "exp": int(time.time()) + 6 * 3600,
    }
    return fake_jwt(ctx.world, claims)


def start(ctx: Ctx) -> Reply:
    session = _session(ctx)
    if session["status"] in ("ended", "expired"):
        raise ApiError(400, f"Session is {session['status']} and cannot be started")
    private = wb_store(ctx.world).private[session["id"]]
    if session["status"] != "live":
        now = iso_now()
        session.update(
            {
                "status": "live",
                "started_at": now,
                "updated_at": now,
                "hls_url": f"https://hls.sandbox.invalid/{session['id']}/index.m3u8",
            }
        )
        session["room"]["active_session_id"] = session["id"]
    key = private["stream_key"]
    return ok(
        {
            "session": session,
            "livekit_token": _token(ctx, session, "host", publish=True),
            "rtmp": {"ingress_id": private["ingress_id"], "url": RTMP_URL, "stream_key": key},
            "rtmp_setup": {
                "server": RTMP_URL,
                "stream_key": key,
                "instructions": {
                    "step1": "Open your encoder (OBS: Settings → Stream) and choose Custom service",
                    "step2": f"Set Server to {RTMP_URL}",
                    "step3": "Paste the stream key and click Start Streaming",
                },
            },
            "whip_url": f"{ctx.base_url}/whip/{session['id']}",
        }
    )


def join(ctx: Ctx) -> Reply:
    session = _session(ctx)
    if session["status"] in ("ended", "expired"):
        raise ApiError(400, f"Session is {session['status']}; it can no longer be joined")
    session["viewer_count"] += 1
    session["max_viewers"] = max(session["max_viewers"], session["viewer_count"])
    return ok(
        {
            "livekit_token": _token(ctx, session, f"viewer-{ctx.world.token(8)}", publish=False),
            "room_name": session["id"],
        }
    )


def end(ctx: Ctx) -> Reply:
    session = _session(ctx)
    if session["status"] == "ended":
        raise ApiError(400, "Session has already ended")
    now = iso_now()
    session.update(
        {
            "status": "ended",
            "ended_at": now,
            "updated_at": now,
            "viewer_count": 0,
            "duration": 60 if session["started_at"] else 0,
        }
    )
    room = session["room"]
    if room.get("active_session_id") == session["id"]:
        room["active_session_id"] = None
    return ok({"message": "Session ended", "id": session["id"], "status": "ended"})


def reschedule(ctx: Ctx) -> Reply:
    session = _session(ctx)
    if session["status"] != "scheduled":
        raise ApiError(400, f"Only scheduled sessions can be rescheduled (this one is {session['status']})")
    session["scheduled_start_time"] = ctx.b("scheduled_start_time")
    session["updated_at"] = iso_now()
    return ok({"message": "Session rescheduled", "scheduled_start_time": session["scheduled_start_time"]})


def settings(ctx: Ctx) -> Reply:
    session = _session(ctx)
    for name in ("chat_enabled", "stage_enabled", "max_join_limit"):
        if isinstance(ctx.body, dict) and name in ctx.body:
            session[f"{name}_override"] = ctx.body[name]
    _effective(session)
    session["updated_at"] = iso_now()
    return ok({k: v for k, v in session.items() if k.startswith("effective_") or k.endswith("_override")})


def _media(kind: str) -> Handler:
    def handler(ctx: Ctx) -> Reply:
        session = _session(ctx)
        private = wb_store(ctx.world).private[session["id"]]
        value = ctx.body.get("enabled", True) if isinstance(ctx.body, dict) else True
        private[kind] = value
        return ok({"session_id": session["id"], kind: value})

    return handler


def monitor(ctx: Ctx) -> Reply:
    session = _session(ctx)
    return ok({"livekit_token": _token(ctx, session, "monitor", publish=False), "room_name": session["id"]})


def stream_health(ctx: Ctx) -> Reply:
    session = _session(ctx)
    private = wb_store(ctx.world).private[session["id"]]
    healthy = session["status"] == "live" and private["host_published"]
    return ok(
        {
            "session_id": session["id"],
            "status": "healthy" if healthy else "no_input",
            "host_publishing": private["host_published"],
            "bitrate_kbps": 2500 if healthy else 0,
        }
    )


def egress(ctx: Ctx) -> Reply:
    session = _session(ctx)
    if session["status"] != "live":
        raise ApiError(400, "Session is not live")
    return ok({"session_id": session["id"], "hls_url": session["hls_url"], "status": "active"})


def host_publish(world: World, session_id: str, *, publishing: bool = True) -> dict[str, Any]:
    """The host's encoder or browser starts (or stops) publishing into the session."""
    store = wb_store(world)
    if session_id not in store.sessions:
        raise LookupError(f"webinar session {session_id} not found")
    store.private[session_id]["host_published"] = publishing
    return dict(store.sessions[session_id])


HANDLERS: dict[str, Handler] = {
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
    "webinar_join_session": join,
    "webinar_go_live_session": start,
    "webinar_start_session": start,
    "webinar_ensure_hls_egress": egress,
    "webinar_start_webcam_hls": egress,
    "webinar_end_session": end,
    "webinar_reschedule_session": reschedule,
    "webinar_update_session_settings": settings,
    "webinar_set_host_video_state": _media("video"),
    "webinar_set_host_audio_state": _media("audio"),
    "webinar_get_monitor_token": monitor,
    "webinar_get_stream_health": stream_health,
}
