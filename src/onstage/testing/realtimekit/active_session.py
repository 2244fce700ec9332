"""RealtimeKit's active session of a meeting: reading it, kicking and muting participants, polls."""

from __future__ import annotations

from typing import Any

from .._engine.handler import Ctx, Reply, find
from .sessions import depart
from .state import RtkApp, ok, rtk_app

__all__ = ["create_poll", "get_active_session", "kick", "kick_all", "mute", "mute_all"]


def _active(ctx: Ctx) -> tuple[RtkApp, dict[str, Any]]:
    app = rtk_app(ctx)
    app.meeting(ctx.p("meeting_id"))
    session_id = find(app.active, ctx.p("meeting_id"), "No active session found for this meeting")
    return app, app.sessions[session_id]


def get_active_session(ctx: Ctx) -> Reply:
    return ok(_active(ctx)[1])


def _ref(peer: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": peer["id"],
        "name": peer["display_name"],
        "created_at": peer["created_at"],
        "updated_at": peer["updated_at"],
        "custom_participant_id": peer["custom_participant_id"],
    }


def _live_peers(ctx: Ctx, *, everyone: bool) -> list[dict[str, Any]]:
    """The active session's present peers: all of them, or those the body's ids select."""
    app, session = _active(ctx)
    ids = set(ctx.b("participant_ids") or [])
    custom = set(ctx.b("custom_participant_ids") or [])
    return [
        p
        for p in app.peers[session["id"]]
        if p["left_at"] is None
        and (everyone or p["id"] in ids or p["user_id"] in ids or p["custom_participant_id"] in custom)
    ]


def _kick(ctx: Ctx, peers: list[dict[str, Any]]) -> None:
    app = rtk_app(ctx)
    for peer in peers:
        depart(ctx.world, app, ctx.p("meeting_id"), peer, reason="HOST_ENDED_MEETING")


def kick(ctx: Ctx) -> Reply:
    peers = _live_peers(ctx, everyone=False)
    _kick(ctx, peers)
    return ok({"action": "kick", "participants": [_ref(p) for p in peers]})


def kick_all(ctx: Ctx) -> Reply:
    peers = _live_peers(ctx, everyone=True)
    _kick(ctx, peers)
    return ok({"action": "kick_all", "kicked_participants_count": len(peers)})


def mute(ctx: Ctx) -> Reply:
    peers = _live_peers(ctx, everyone=False)
    for peer in peers:
        peer["muted"] = True
    return ok({"action": "mute", "participants": [_ref(p) for p in peers]})


def mute_all(ctx: Ctx) -> Reply:
    peers = _live_peers(ctx, everyone=True)
    for peer in peers:
        peer["muted"] = True
    return ok({"action": "mute_all", "muted_participants_count": len(peers)})


def create_poll(ctx: Ctx) -> Reply:
    _active(ctx)
    poll = {
        "id": ctx.world.uuid(),
        "question": ctx.b("question"),
        "anonymous": ctx.b("anonymous", False),
        "hide_votes": ctx.b("hide_votes", False),
        "created_by": "sandbox",
        "voted": [],
        "options": [{"text": t, "count": 0, "votes": []} for t in ctx.b("options") or []],
    }
    return ok({"action": "create_poll", "poll": poll}, 201)
