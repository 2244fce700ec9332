"""RealtimeKit sessions: started and ended by participants joining and leaving (control actions ``join``
and ``leave``), then listed with their participants, chat, transcript and summary."""

from __future__ import annotations

from typing import Any

from .._engine.faker import iso_now
from .._engine.handler import ApiError, Ctx, Reply, default_handler, find
from .._engine.world import World
from .events import emit, meeting_event
from .recordings import RUNNING, start_recording_for, stop_recording
from .state import RtkApp, ok, paginate, rtk_app, rtk_store

__all__ = [
    "depart",
    "find_session",
    "get_peer_report",
    "get_session",
    "get_session_participant",
    "join",
    "leave",
    "list_session_participants",
    "list_sessions",
    "session_artifact",
]


# -- control: joins and leaves ---------------------------------------------------------------------
def join(
    world: World,
    account_id: str,
    app_id: str,
    meeting_id: str,
    *,
    custom_participant_id: str,
    name: str | None = None,
    preset_name: str | None = None,
) -> dict[str, Any]:
    """A participant joins the meeting (starts the session on the first join: ``meeting.started``).
    Returns the peer."""
    app = rtk_store(world, account_id, app_id)
    meeting = app.meeting(meeting_id)
    if preset_name is not None and app.preset_id(preset_name) is None:
        raise ValueError(
            f"no preset named {preset_name!r} in app {app_id} (it has {', '.join(app.preset_names())}); "
            "the real API refuses a participant with an unknown preset"
        )
    now = iso_now()
    session_id = app.active.get(meeting_id)
    if session_id is None:
        session: dict[str, Any] = {
            "id": world.uuid(),
            "associated_id": meeting_id,
            "created_at": now,
            "started_at": now,
            "updated_at": now,
            "ended_at": None,
            "live_participants": 0,
            "max_concurrent_participants": 0,
            "meeting_display_name": meeting.get("title") or "",
            "minutes_consumed": 0,
            "organization_id": app_id,
            "status": "LIVE",
            "type": "meeting",
            "breakout_rooms": [],
            "meta": {},
        }
        app.sessions[session["id"]] = session
        app.peers[session["id"]] = []
        app.active[meeting_id] = session["id"]
        emit(world, app, "meeting.started", {"meeting": meeting_event(app, meeting_id, session)})
        if meeting.get("record_on_start"):
            start_recording_for(world, app, meeting_id, "RECORD_ON_START")
    session = app.sessions[app.active[meeting_id]]
    known = next(
        (
            p
            for p in app.participants.get(meeting_id, {}).values()
            if p["custom_participant_id"] == custom_participant_id
        ),
        None,
    )
    peer = {
        "id": world.uuid(),
        "user_id": known["id"] if known else world.uuid(),
        "custom_participant_id": custom_participant_id,
        "display_name": name or (known or {}).get("name") or custom_participant_id,
        "preset_name": preset_name or (known or {}).get("preset_name") or "group_call_participant",
        "duration": 0,
        "joined_at": now,
        "left_at": None,
        "created_at": now,
        "updated_at": now,
        "muted": False,
    }
    app.peers[session["id"]].append(peer)
    session["live_participants"] += 1
    session["max_concurrent_participants"] = max(
        session["max_concurrent_participants"], session["live_participants"]
    )
    session["updated_at"] = now
    emit(
        world,
        app,
        "meeting.participantJoined",
        {
            "meeting": meeting_event(app, meeting_id, session),
            "participant": {
                "peerId": peer["id"],
                "userDisplayName": peer["display_name"],
                "customParticipantId": custom_participant_id,
                "clientSpecificId": custom_participant_id,
                "joinedAt": now,
            },
        },
    )
    return dict(peer)


def leave(
    world: World,
    account_id: str,
    app_id: str,
    meeting_id: str,
    *,
    custom_participant_id: str | None = None,
    peer_id: str | None = None,
) -> dict[str, Any]:
    """A participant leaves; the last one out ends the session (``meeting.ended``)."""
    app = rtk_store(world, account_id, app_id)
    app.meeting(meeting_id)
    session_id = app.active.get(meeting_id)
    if session_id is None:
        raise LookupError(f"meeting {meeting_id} has no active session")
    peer = next(
        (
            p
            for p in app.peers[session_id]
            if p["left_at"] is None
            and (
                p["id"] == peer_id
                or (peer_id is None and p["custom_participant_id"] == custom_participant_id)
            )
        ),
        None,
    )
    if peer is None:
        raise LookupError(f"no live participant {peer_id or custom_participant_id} in meeting {meeting_id}")
    return depart(world, app, meeting_id, peer, reason="ALL_PARTICIPANTS_LEFT")


def depart(
    world: World, app: RtkApp, meeting_id: str, peer: dict[str, Any], *, reason: str
) -> dict[str, Any]:
    """A live peer of the meeting's active session leaves; when it was the last one, the session
    ends for ``reason``."""
    session = app.sessions[app.active[meeting_id]]
    now = iso_now()
    peer["left_at"] = now
    peer["updated_at"] = now
    peer["duration"] = 1
    session["live_participants"] -= 1
    session["updated_at"] = now
    emit(
        world,
        app,
        "meeting.participantLeft",
        {
            "meeting": meeting_event(app, meeting_id, session),
            "participant": {
                "peerId": peer["id"],
                "userDisplayName": peer["display_name"],
                "customParticipantId": peer["custom_participant_id"],
                "clientSpecificId": peer["custom_participant_id"],
                "joinedAt": peer["joined_at"],
                "leftAt": now,
            },
        },
    )
    if session["live_participants"] <= 0:
        _end_session(world, app, meeting_id, session, reason)
    return dict(peer)


def _end_session(world: World, app: RtkApp, meeting_id: str, session: dict[str, Any], reason: str) -> None:
    now = iso_now()
    session.update({"status": "ENDED", "ended_at": now, "updated_at": now, "minutes_consumed": 1})
    app.active.pop(meeting_id, None)
    for rec in app.recordings.values():
        if rec["meeting_id"] == meeting_id and rec["status"] in RUNNING:
            stop_recording(world, app, rec, "ALL_PEERS_LEFT")
    emit(world, app, "meeting.ended", {"meeting": meeting_event(app, meeting_id, session), "reason": reason})


# -- sessions --------------------------------------------------------------------------------------
def find_session(ctx: Ctx) -> dict[str, Any]:
    return find(rtk_app(ctx).sessions, ctx.p("session_id"), f"Session {ctx.p('session_id')} not found")


def list_sessions(ctx: Ctx) -> Reply:
    items = list(rtk_app(ctx).sessions.values())
    if ctx.q("status"):
        items = [s for s in items if s["status"] == ctx.q("status")]
    if ctx.q("associated_id"):
        items = [s for s in items if s["associated_id"] == ctx.q("associated_id")]
    if ctx.q("search"):
        needle = str(ctx.q("search")).lower()
        items = [s for s in items if needle in (s["meeting_display_name"] or "").lower() or needle in s["id"]]
    if ctx.q("sort_order", "DESC") == "DESC":
        items.reverse()
    chunk, paging = paginate(ctx, items)
    return ok({"sessions": chunk}, paging=paging)


def get_session(ctx: Ctx) -> Reply:
    return ok(find_session(ctx))


def _peer_view(peer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in peer.items() if k != "muted"}


def list_session_participants(ctx: Ctx) -> Reply:
    peers = [_peer_view(p) for p in rtk_app(ctx).peers.get(find_session(ctx)["id"], [])]
    if ctx.q("search"):
        needle = str(ctx.q("search")).lower()
        peers = [
            p for p in peers if needle in p["display_name"].lower() or needle in p["custom_participant_id"]
        ]
    chunk, paging = paginate(ctx, peers)
    return ok({"participants": chunk}, paging=paging)


def get_session_participant(ctx: Ctx) -> Reply:
    for peer in rtk_app(ctx).peers.get(find_session(ctx)["id"], []):
        if ctx.p("participant_id") in (peer["id"], peer["user_id"], peer["custom_participant_id"]):
            return ok({"participant": _peer_view(peer)})
    raise ApiError(404, f"Participant {ctx.p('participant_id')} not found in this session")


def get_peer_report(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    for session_id, peers in app.peers.items():
        for peer in peers:
            if peer["id"] == ctx.p("peer_id"):
                return ok({"participant": {**_peer_view(peer), "session_id": session_id}})
    raise ApiError(404, f"Peer {ctx.p('peer_id')} not found")


def session_artifact(ctx: Ctx) -> Reply:
    """Chat, transcript and summary of a known session: plausible payloads from the spec."""
    find_session(ctx)
    return default_handler(ctx)
