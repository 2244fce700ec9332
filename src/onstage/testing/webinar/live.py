"""Webinar sessions at run time: start / go-live (LiveKit token, RTMP ingress, WHIP), join, end,
reschedule, settings, host media state (and the control action ``host_publish``), monitor token,
stream health, HLS egress."""

from __future__ import annotations

import time
from typing import Any

from .._engine.faker import iso_now
from .._engine.handler import ApiError, Ctx, Handler, Reply
from .._engine.world import World
from .state import RTMP_URL, effective, ok, session_of, wb_store

__all__ = [
    "egress",
    "end",
    "host_audio",
    "host_publish",
    "host_video",
    "join",
    "monitor",
    "reschedule",
    "start",
    "stream_health",
    "update_settings",
]


def _token(ctx: Ctx, session: dict[str, Any], identity: str, *, publish: bool) -> str:
    claims = {
        "sub": identity,
        "video": {"room": session["id"], "roomJoin": True, "canPublish": publish},
        "iss": "sandbox",
        "exp": int(time.time()) + 6 * 3600,
    }
    return ctx.world.faker.jwt(claims)


def start(ctx: Ctx) -> Reply:
    session = session_of(ctx)
    if session["status"] in ("ended", "expired"):
        raise ApiError(400, f"Session has {session['status']} and cannot be started")
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
    session = session_of(ctx)
    if session["status"] in ("ended", "expired"):
        raise ApiError(400, f"Session has {session['status']} and can no longer be joined")
    session["viewer_count"] += 1
    session["max_viewers"] = max(session["max_viewers"], session["viewer_count"])
    return ok(
        {
            "livekit_token": _token(ctx, session, f"viewer-{ctx.world.token(8)}", publish=False),
            "room_name": session["id"],
        }
    )


def end(ctx: Ctx) -> Reply:
    session = session_of(ctx)
    if session["status"] in ("ended", "expired"):
        raise ApiError(400, f"Session has already {session['status']}")
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
    session = session_of(ctx)
    if session["status"] != "scheduled":
        raise ApiError(400, f"Only scheduled sessions can be rescheduled (this one is {session['status']})")
    session["scheduled_start_time"] = ctx.b("scheduled_start_time")
    session["updated_at"] = iso_now()
    return ok({"message": "Session rescheduled", "scheduled_start_time": session["scheduled_start_time"]})


def update_settings(ctx: Ctx) -> Reply:
    session = session_of(ctx)
    for name in ("chat_enabled", "stage_enabled", "max_join_limit"):
        if isinstance(ctx.body, dict) and name in ctx.body:
            session[f"{name}_override"] = ctx.body[name]
    effective(session)
    session["updated_at"] = iso_now()
    return ok({k: v for k, v in session.items() if k.startswith("effective_") or k.endswith("_override")})


def _media(kind: str) -> Handler:
    """``host_video_state`` / ``host_audio_state``: the published API declares no body, so the call only
    broadcasts the host's current state. A boolean ``enabled`` that a client sends anyway (``extra_body``,
    or onstage 0.2, which guessed that field) is still taken as the new state."""

    def handler(ctx: Ctx) -> Reply:
        session = session_of(ctx)
        private = wb_store(ctx.world).private[session["id"]]
        enabled = ctx.body.get("enabled") if isinstance(ctx.body, dict) else None
        if isinstance(enabled, bool):
            private[kind] = enabled
        return ok({"session_id": session["id"], kind: private[kind]})

    return handler


host_video = _media("video")
host_audio = _media("audio")


def monitor(ctx: Ctx) -> Reply:
    session = session_of(ctx)
    return ok({"livekit_token": _token(ctx, session, "monitor", publish=False), "room_name": session["id"]})


def stream_health(ctx: Ctx) -> Reply:
    session = session_of(ctx)
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
    session = session_of(ctx)
    if session["status"] != "live":
        raise ApiError(400, "Session is not live")
    return ok({"session_id": session["id"], "hls_url": session["hls_url"], "status": "active"})


def host_publish(world: World, session_id: str, publishing: bool = True) -> dict[str, Any]:
    """The webinar host starts (or stops) publishing media into the session (encoder or browser)."""
    store = wb_store(world)
    if session_id not in store.sessions:
        raise LookupError(f"webinar session {session_id} not found")
    store.private[session_id]["host_published"] = publishing
    return dict(store.sessions[session_id])
