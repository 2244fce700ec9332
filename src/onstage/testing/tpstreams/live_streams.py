"""TP Streams live streams: the server coming up after ``server_start_delay``, an encoder connecting and
disconnecting (control actions), stop -> Stopped -> Completed, each change posted to the webhooks."""

from __future__ import annotations

import datetime
from typing import Any

from .._engine.handler import ApiError, Ctx, Reply
from .._engine.world import World
from .state import TpOrg, asset_view, drf_page, new_asset, settings, tp_org, tp_store
from .webhooks import notify

__all__ = [
    "COMPLETE_DELAY",
    "advance",
    "advance_all",
    "create_live_stream",
    "encoder_connect",
    "encoder_disconnect",
    "list_live_streams",
    "start_server",
    "stop_live_stream",
]

RTMP_URL = "rtmp://127.0.0.1:1935/live"
#: Seconds between ``stop_live_stream`` ("Stopped") and the recording being ready ("Completed").
COMPLETE_DELAY = 0.1


def _stamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%B %d, %Y, %I:%M %p")


def _set_status(world: World, org: TpOrg, asset: dict[str, Any], status: str, activity: str) -> None:
    live = asset["live_stream"]
    live["status"] = status
    live["activities"].append({"status": activity, "timestamp": _stamp()})
    notify(world, org, asset)


def advance(world: World, org: TpOrg, now: float) -> None:
    """Apply due timers: servers coming up, stopped streams completing."""
    for aid, timers in list(org.timers.items()):
        asset = org.assets.get(aid)
        if asset is None:
            org.timers.pop(aid, None)
            continue
        live = asset["live_stream"]
        ready_at = timers.get("ready_at")
        if ready_at is not None and now >= ready_at:
            del timers["ready_at"]
            live["rtmp_url"] = RTMP_URL
            live["stream_key"] = f"org-{org.org}-live-{aid}-{world.token(4)}"
            live["chat_embed_url"] = f"https://app.tpstreams.com/live-chat/{org.org}/{aid}/"
            live["activities"].append({"status": "Server Ready", "timestamp": _stamp()})
            notify(world, org, asset)
        done_at = timers.get("complete_at")
        if done_at is not None and now >= done_at:
            del timers["complete_at"]
            if live["transcode_recorded_video"]:
                base = f"https://d.sandbox.invalid/transcoded/{org.org}/{aid}"
                asset["video"] = {
                    "status": "Completed",
                    "progress": 100,
                    "playback_url": f"{base}/video.m3u8",
                    "dash_url": f"{base}/video.mpd",
                    "resolutions": live["resolutions"],
                    "format": "abr",
                    "duration": 60,
                    "inputs": [],
                    "tracks": [],
                }
            _set_status(world, org, asset, "Completed", "Completed")
        if not timers:
            org.timers.pop(aid, None)


def advance_all(world: World) -> None:
    now = world.now()
    for store in list(world.stores.values()):
        if isinstance(store, TpOrg) and store.timers:
            advance(world, store, now)


def _live(ctx: Ctx) -> tuple[TpOrg, dict[str, Any]]:
    org = tp_org(ctx)
    advance(ctx.world, org, ctx.world.now())
    asset = org.asset(ctx.p("asset_id"))
    if asset["type"] != "livestream":
        raise ApiError(400, "This asset is not a live stream.")
    return org, asset


def _start_server(world: World, org: TpOrg, asset: dict[str, Any]) -> None:
    org.timers.setdefault(asset["id"], {})["ready_at"] = world.now() + settings(world).server_start_delay
    advance(world, org, world.now())


def create_live_stream(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    asset = new_asset(ctx.world, org, "livestream", str(ctx.b("title")))
    drm = bool(ctx.b("enable_drm_for_recording", False))
    asset["live_stream"] = {
        "rtmp_url": "",
        "stream_key": None,
        "status": "Not Started",
        "hls_url": f"https://d.sandbox.invalid/live/{org.org}/{asset['id']}/video.m3u8",
        "start": ctx.b("start"),
        "transcode_recorded_video": True,
        "enable_drm_for_recording": drm,
        "enable_drm": drm,
        "chat_embed_url": None,
        "resolutions": ["240p", "480p", "720p"],
        "enable_llhls": False,
        "latency": ctx.b("latency", "Normal Latency"),
        "activities": [{"status": "Created", "timestamp": _stamp()}],
    }
    if ctx.b("start") is None:
        _start_server(ctx.world, org, asset)
    return Reply(201, asset_view(asset))


def list_live_streams(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    advance(ctx.world, org, ctx.world.now())
    return Reply(
        200, drf_page(ctx, [asset_view(a) for a in org.assets.values() if a["type"] == "livestream"])
    )


def start_server(ctx: Ctx) -> Reply:
    org, asset = _live(ctx)
    live = asset["live_stream"]
    if live["status"] in ("Stopped", "Completed"):
        raise ApiError(400, "This live stream has already ended.")
    if not live["rtmp_url"] and "ready_at" not in org.timers.get(asset["id"], {}):
        _start_server(ctx.world, org, asset)
    return Reply(200, asset_view(asset))


def stop_live_stream(ctx: Ctx) -> Reply:
    org, asset = _live(ctx)
    if asset["live_stream"]["status"] in ("Stopped", "Completed"):
        raise ApiError(400, "This live stream is not running.")
    start, end = ctx.b("start_time"), ctx.b("end_time")
    if (start is None) != (end is None):
        raise ApiError(400, "start_time and end_time must be given together.", field="end_time")
    if start is not None and end is not None and start >= end:
        raise ApiError(400, "start_time must be before end_time.", field="start_time")
    timers = org.timers.setdefault(asset["id"], {})
    timers.pop("ready_at", None)
    timers["complete_at"] = ctx.world.now() + COMPLETE_DELAY
    _set_status(ctx.world, org, asset, "Stopped", "Stopped")
    return Reply(200, {"message": "Live stream stopped successfully", "trim_scheduled": start is not None})


def encoder_connect(world: World, organization_id: str, asset_id: str) -> dict[str, Any]:
    """An encoder publishes to a TP Streams live stream whose server is up: ``Streaming``."""
    org = tp_store(world, organization_id)
    advance(world, org, world.now())
    asset = org.assets.get(asset_id)
    if asset is None or asset["type"] != "livestream":
        raise LookupError(f"live stream {asset_id} not found in {organization_id}")
    if not asset["live_stream"]["rtmp_url"]:
        raise RuntimeError(f"live stream {asset_id} has no server yet (start_server first)")
    _set_status(world, org, asset, "Streaming", "On Publish")
    return asset_view(asset)


def encoder_disconnect(world: World, organization_id: str, asset_id: str) -> dict[str, Any]:
    """The encoder stops publishing: ``Disconnected``."""
    org = tp_store(world, organization_id)
    asset = org.assets.get(asset_id)
    if asset is None or asset["type"] != "livestream":
        raise LookupError(f"live stream {asset_id} not found in {organization_id}")
    _set_status(world, org, asset, "Disconnected", "On Publish Done")
    return asset_view(asset)
