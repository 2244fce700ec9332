"""RealtimeKit livestreams: of a meeting and independent ones (an RTMP encoder connects: control
action ``livestream_encoder_connect``), their sessions, and ending on their own (``finish_livestream``)."""

from __future__ import annotations

from typing import Any

from .._engine.faker import iso_now
from .._engine.handler import ApiError, Ctx, Reply, find
from .._engine.world import World
from .events import emit
from .sessions import find_session
from .state import RtkApp, ok, paginate, rtk_app, rtk_store

__all__ = [
    "connect_encoder",
    "create_livestream",
    "finish_livestream",
    "get_active_for_meeting",
    "get_active_session",
    "get_livestream",
    "get_livestream_session",
    "list_for_meeting",
    "list_livestreams",
    "session_livestream_sessions",
    "start_livestream",
    "stop_livestream",
]

INGEST_SERVER = "rtmp://127.0.0.1:1935/live"


def _new_livestream(
    world: World, app: RtkApp, meeting_id: str | None, name: str | None, status: str
) -> dict[str, Any]:
    now = iso_now()
    stream_id = world.uuid()
    stream = {
        "id": stream_id,
        "name": name,
        "meeting_id": meeting_id,
        "org_id": app.app_id,
        "ingest_server": INGEST_SERVER,
        "stream_key": f"live_{world.token(24)}",
        "playback_url": f"https://playback.sandbox.invalid/{stream_id}/index.m3u8",
        "status": status,
        "disabled": False,
        "created_at": now,
        "updated_at": now,
    }
    app.livestreams[stream_id] = stream
    return stream


def _open_session(world: World, app: RtkApp, stream: dict[str, Any]) -> dict[str, Any]:
    now = iso_now()
    session = {
        "id": world.uuid(),
        "livestream_id": stream["id"],
        "err_message": None,
        "invoked_time": now,
        "started_time": now,
        "stopped_time": None,
        "ingest_seconds": 0,
        "viewer_seconds": 0,
        "created_at": now,
        "updated_at": now,
    }
    app.livestream_sessions[session["id"]] = session
    return session


def _status_event(world: World, app: RtkApp, stream: dict[str, Any], status: str) -> None:
    meeting_id = stream.get("meeting_id")
    meeting = app.meetings.get(meeting_id or "", {})
    emit(
        world,
        app,
        "livestreaming.statusUpdate",
        {
            "streamId": stream["id"],
            "status": status,
            "manualIngest": meeting_id is None,
            "playbackUrl": stream["playback_url"],
            "ingestServer": stream["ingest_server"],
            "streamKey": stream["stream_key"],
            "meeting": {
                "id": meeting_id,
                "title": meeting.get("title"),
                "createdAt": meeting.get("created_at"),
                "roomName": meeting_id,
                "status": "LIVE" if app.active.get(meeting_id or "") else "ENDED",
                "organizedBy": {"id": app.app_id, "name": "onstage sandbox"},
            },
        },
    )


def _active_for(app: RtkApp, meeting_id: str) -> dict[str, Any] | None:
    for stream in app.livestreams.values():
        if stream["meeting_id"] == meeting_id and stream["status"] in ("LIVE", "INVOKED"):
            return stream
    return None


def _sessions_of(app: RtkApp, stream_id: str) -> list[dict[str, Any]]:
    return [s for s in app.livestream_sessions.values() if s["livestream_id"] == stream_id]


def _stop(world: World, app: RtkApp, stream: dict[str, Any]) -> None:
    now = iso_now()
    stream.update({"status": "IDLE", "updated_at": now})
    for session in _sessions_of(app, stream["id"]):
        if session["stopped_time"] is None:
            session.update({"stopped_time": now, "updated_at": now, "ingest_seconds": 1})
    _status_event(world, app, stream, "OFFLINE")


def start_livestream(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    meeting_id = ctx.p("meeting_id")
    app.meeting(meeting_id)
    if _active_for(app, meeting_id):
        raise ApiError(400, f"Meeting {meeting_id} is already being livestreamed")
    stream = _new_livestream(ctx.world, app, meeting_id, ctx.b("name"), "LIVE")
    _open_session(ctx.world, app, stream)
    _status_event(ctx.world, app, stream, "LIVE")
    return ok(stream, 201)


def _meeting_stream(ctx: Ctx) -> tuple[RtkApp, dict[str, Any]]:
    """The meeting's running livestream, or a 404."""
    app = rtk_app(ctx)
    app.meeting(ctx.p("meeting_id"))
    stream = _active_for(app, ctx.p("meeting_id"))
    if stream is None:
        raise ApiError(404, f"No active livestream for meeting {ctx.p('meeting_id')}")
    return app, stream


def stop_livestream(ctx: Ctx) -> Reply:
    app, stream = _meeting_stream(ctx)
    _stop(ctx.world, app, stream)
    return ok({"message": "Livestream stopped successfully"})


def get_active_for_meeting(ctx: Ctx) -> Reply:
    return ok(_meeting_stream(ctx)[1])


def list_for_meeting(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    app.meeting(ctx.p("meeting_id"))
    streams = [s for s in app.livestreams.values() if s["meeting_id"] == ctx.p("meeting_id")]
    chunk, paging = paginate(ctx, streams)
    sessions = [sess for s in chunk for sess in _sessions_of(app, s["id"])]
    data: dict[str, Any] = {"livestreams": chunk, "sessions": sessions, "paging": paging}
    if chunk:
        data["livestream"] = chunk[-1]
    return ok(data, paging=paging)


def list_livestreams(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    items = list(app.livestreams.values())
    if ctx.q("exclude_meetings"):
        items = [s for s in items if s["meeting_id"] is None]
    if ctx.q("status"):
        items = [s for s in items if s["status"] == ctx.q("status")]
    if ctx.q("sort_order") == "DSC":
        items.reverse()
    chunk, paging = paginate(ctx, items)
    return ok(chunk, paging=paging)


def create_livestream(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    return ok(_new_livestream(ctx.world, app, None, ctx.b("name"), "IDLE"), 201)


def _stream(ctx: Ctx) -> tuple[RtkApp, dict[str, Any]]:
    app, stream_id = rtk_app(ctx), ctx.p("livestream_id")
    return app, find(app.livestreams, stream_id, f"Livestream {stream_id} not found")


def get_livestream(ctx: Ctx) -> Reply:
    app, stream = _stream(ctx)
    sessions = _sessions_of(app, stream["id"])
    chunk, paging = paginate(ctx, sessions)
    data: dict[str, Any] = {"livestream": stream, "paging": paging}
    if chunk:
        data["session"] = chunk[-1]
    return ok(data, paging=paging)


def get_active_session(ctx: Ctx) -> Reply:
    app, stream = _stream(ctx)
    live = [s for s in _sessions_of(app, stream["id"]) if s["stopped_time"] is None]
    if not live:
        raise ApiError(404, f"Livestream {stream['id']} has no active session")
    return ok({"livestream": stream, "session": live[-1]})


def get_livestream_session(ctx: Ctx) -> Reply:
    sessions, session_id = rtk_app(ctx).livestream_sessions, ctx.p("livestream-session-id")
    return ok(find(sessions, session_id, f"Livestream session {session_id} not found"))


def session_livestream_sessions(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    session = find_session(ctx)
    streams = [s for s in app.livestreams.values() if s["meeting_id"] == session["associated_id"]]
    sessions = [sess for s in streams for sess in _sessions_of(app, s["id"])]
    chunk, paging = paginate(ctx, sessions)
    return ok({"data": chunk, "paging": paging}, paging=paging)


def connect_encoder(world: World, account_id: str, app_id: str, livestream_id: str) -> dict[str, Any]:
    """An RTMP encoder starts pushing to an independent RealtimeKit livestream (``LIVE``)."""
    app = rtk_store(world, account_id, app_id)
    stream = app.livestreams.get(livestream_id)
    if stream is None:
        raise LookupError(f"livestream {livestream_id} not found")
    stream.update({"status": "LIVE", "updated_at": iso_now()})
    _open_session(world, app, stream)
    _status_event(world, app, stream, "LIVE")
    return dict(stream)


def finish_livestream(
    world: World,
    account_id: str,
    app_id: str,
    *,
    livestream_id: str | None = None,
    meeting_id: str | None = None,
) -> dict[str, Any]:
    """A livestream ends on its own, encoder gone or meeting over (``IDLE``, session stopped; webhook
    status ``OFFLINE``)."""
    app = rtk_store(world, account_id, app_id)
    stream = app.livestreams.get(livestream_id or "") if livestream_id else _active_for(app, meeting_id or "")
    if stream is None:
        raise LookupError(f"no livestream {livestream_id or 'active for meeting ' + str(meeting_id)}")
    _stop(world, app, stream)
    return dict(stream)
