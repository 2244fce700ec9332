"""RealtimeKit recordings: start → INVOKED (RECORDING on the next read), pause/resume/stop, upload."""

from __future__ import annotations

from typing import Any

from .._engine.faker import iso_now
from .._engine.handler import ApiError, Ctx, Reply, find
from .._engine.world import World
from .events import emit, meeting_event
from .state import RtkApp, ok, paginate, rtk_app, rtk_store

__all__ = [
    "RUNNING",
    "finish_recording",
    "get_active_recording",
    "get_recording",
    "list_recordings",
    "set_recording_state",
    "start_recording",
    "start_recording_for",
    "start_track",
    "stop_recording",
]

#: The statuses of a recording that has not stopped yet.
RUNNING = ("INVOKED", "RECORDING", "PAUSED")


def _recording_event(world: World, app: RtkApp, rec: dict[str, Any]) -> None:
    emit(
        world,
        app,
        "recording.statusUpdate",
        {
            "recording": {
                "id": rec["id"],
                "recordingId": rec["id"],
                "status": rec["status"],
                "downloadUrl": rec["download_url"],
                "audioDownloadUrl": rec["audio_download_url"],
                "downloadUrlExpiry": rec["download_url_expiry"],
                "startedTime": rec["started_time"],
                "stoppedTime": rec["stopped_time"],
                "fileSize": None if rec["file_size"] is None else str(rec["file_size"]),
                "outputFileName": rec["output_file_name"],
                "meetingId": rec["meeting_id"],
                "recordingDuration": rec.get("recording_duration", 0),
                "organizationId": app.app_id,
                "roomUUID": rec["meeting_id"],
            },
            "meeting": meeting_event(app, rec["meeting_id"], app.sessions.get(rec["session_id"] or "")),
        },
    )


def start_recording_for(
    world: World, app: RtkApp, meeting_id: str, reason: str, extra: Any = None
) -> dict[str, Any]:
    now = iso_now()
    rec_id = world.uuid()
    rec = {
        "id": rec_id,
        "status": "INVOKED",
        "invoked_time": now,
        "started_time": None,
        "stopped_time": None,
        "output_file_name": f"{(extra or {}).get('file_name_prefix') or 'recording'}-{rec_id}.mp4",
        "download_url": None,
        "audio_download_url": None,
        "download_url_expiry": None,
        "file_size": None,
        "session_id": app.active.get(meeting_id),
        "recording_duration": 0,
        "meeting_id": meeting_id,
        "start_reason": {"reason": reason, "caller": {"name": "sandbox", "type": "ORGANIZATION"}},
        "storage_config": (extra or {}).get("storage_config"),
    }
    app.recordings[rec_id] = rec
    return rec


def _advance(world: World, app: RtkApp, rec: dict[str, Any]) -> dict[str, Any]:
    """INVOKED becomes RECORDING the next time anyone looks (the recorder has joined)."""
    if rec["status"] == "INVOKED":
        rec["status"] = "RECORDING"
        rec["started_time"] = iso_now()
        _recording_event(world, app, rec)
    return rec


def stop_recording(world: World, app: RtkApp, rec: dict[str, Any], reason: str) -> None:
    _advance(world, app, rec)
    now = iso_now()
    rec.update(
        {
            "status": "UPLOADING",
            "stopped_time": now,
            "recording_duration": 1,
            "stop_reason": {"reason": reason, "caller": {"name": "sandbox", "type": "ORGANIZATION"}},
        }
    )
    _recording_event(world, app, rec)
    rec.update(
        {
            "status": "UPLOADED",
            "file_size": 1048576,
            "download_url_expiry": now,
            "download_url": f"https://recordings.sandbox.invalid/{app.app_id}/{rec['output_file_name']}",
        }
    )
    _recording_event(world, app, rec)


def _recording(ctx: Ctx) -> dict[str, Any]:
    app = rtk_app(ctx)
    rec = find(app.recordings, ctx.p("recording_id"), f"Recording {ctx.p('recording_id')} not found")
    return _advance(ctx.world, app, rec)


def start_recording(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    meeting_id = str(ctx.b("meeting_id"))
    app.meeting(meeting_id)
    running = any(r["meeting_id"] == meeting_id and r["status"] in RUNNING for r in app.recordings.values())
    if running and not ctx.b("allow_multiple_recordings"):
        raise ApiError(400, "A recording is already running for this meeting", field="meeting_id")
    return ok(start_recording_for(ctx.world, app, meeting_id, "API_CALL", ctx.body))


def list_recordings(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    items = [_advance(ctx.world, app, r) for r in app.recordings.values()]
    if ctx.q("meeting_id"):
        items = [r for r in items if r["meeting_id"] == ctx.q("meeting_id")]
    if ctx.q("status"):
        wanted = ctx.q("status")
        wanted = set(wanted) if isinstance(wanted, list) else {wanted}
        items = [r for r in items if r["status"] in wanted]
    chunk, paging = paginate(ctx, items)
    return ok(chunk, paging=paging)


def get_recording(ctx: Ctx) -> Reply:
    return ok(_recording(ctx))


def get_active_recording(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    for rec in app.recordings.values():
        if rec["meeting_id"] == ctx.p("meeting_id") and rec["status"] in RUNNING:
            return ok(_advance(ctx.world, app, rec))
    raise ApiError(404, f"No active recording found for meeting {ctx.p('meeting_id')}")


def set_recording_state(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    rec = _recording(ctx)
    action = ctx.b("action")
    if rec["status"] in ("UPLOADING", "UPLOADED", "ERRORED"):
        raise ApiError(400, f"Recording {rec['id']} has already stopped", field="action")
    if action == "pause":
        if rec["status"] != "RECORDING":
            raise ApiError(400, f"Cannot pause a recording in status {rec['status']}", field="action")
        rec["status"] = "PAUSED"
        _recording_event(ctx.world, app, rec)
    elif action == "resume":
        if rec["status"] != "PAUSED":
            raise ApiError(400, f"Cannot resume a recording in status {rec['status']}", field="action")
        rec["status"] = "RECORDING"
        _recording_event(ctx.world, app, rec)
    else:
        stop_recording(ctx.world, app, rec, "API_CALL")
    return ok(rec)


def start_track(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    app.meeting(str(ctx.b("meeting_id")))
    rec = start_recording_for(ctx.world, app, str(ctx.b("meeting_id")), "API_CALL")
    return ok({"recording": rec})  # realtimekit_TrackRecordingResult


def finish_recording(world: World, account_id: str, app_id: str, recording_id: str) -> dict[str, Any]:
    """The recording stops on its own and is uploaded (``UPLOADED`` with a download URL), as when
    every peer left."""
    app = rtk_store(world, account_id, app_id)
    rec = app.recordings.get(recording_id)
    if rec is None:
        raise LookupError(f"recording {recording_id} not found")
    if rec["status"] not in ("UPLOADED", "ERRORED"):
        stop_recording(world, app, rec, "ALL_PEERS_LEFT")
    return dict(rec)
