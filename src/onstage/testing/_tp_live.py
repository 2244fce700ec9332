"""TP Streams live streams (server start timing, encoder connect/disconnect, stop → Stopped → Completed),
subtitles, chapters, transcoding jobs, webhook delivery and the TP Streams handler table."""

from __future__ import annotations

import datetime
from typing import Any

from . import _tpstreams as tp
from ._core import ApiError, Ctx, Handler, Reply, World, find
from ._tpstreams import TpOrg, asset_view, drf_page, new_asset, tp_org, tp_store

__all__ = ["COMPLETE_DELAY", "HANDLERS", "advance_all", "encoder_connect", "encoder_disconnect"]

RTMP_URL = "rtmp://127.0.0.1:1935/live"
#: Seconds between ``stop_live_stream`` ("Stopped") and the recording being ready ("Completed").
COMPLETE_DELAY = 0.1


def _stamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%B %d, %Y, %I:%M %p")


def notify(world: World, org: TpOrg, asset: dict[str, Any]) -> None:
    """POST the full asset to every organization webhook (``x-streams-token``)."""
    for webhook in list(org.webhooks.values()):
        world.dispatcher.tpstreams(str(webhook["url"]), str(webhook["secret_token"]), asset_view(asset))


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
    for key, store in list(world.stores.items()):
        if key[0] == "tp" and store.timers:
            advance(world, store, now)


def _live(ctx: Ctx) -> tuple[TpOrg, dict[str, Any]]:
    org = tp_org(ctx)
    advance(ctx.world, org, ctx.world.now())
    asset = org.asset(ctx.p("asset_id"))
    if asset["type"] != "livestream":
        raise ApiError(400, "This asset is not a live stream.")
    return org, asset


def _start_server(world: World, org: TpOrg, asset: dict[str, Any]) -> None:
    org.timers.setdefault(asset["id"], {})["ready_at"] = world.now() + world.server_start_delay
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


def get_asset(ctx: Ctx) -> Reply:
    advance(ctx.world, tp_org(ctx), ctx.world.now())
    return tp.get_asset(ctx)


def list_assets(ctx: Ctx) -> Reply:
    advance(ctx.world, tp_org(ctx), ctx.world.now())
    return tp.list_assets(ctx)


def encoder_connect(world: World, org_id: str, asset_id: str) -> dict[str, Any]:
    """An encoder starts publishing: "Streaming" (the server must be up)."""
    org = tp_store(world, org_id)
    advance(world, org, world.now())
    asset = org.assets.get(asset_id)
    if asset is None or asset["type"] != "livestream":
        raise LookupError(f"live stream {asset_id} not found in {org_id}")
    if not asset["live_stream"]["rtmp_url"]:
        raise RuntimeError(f"live stream {asset_id} has no server yet (start_server first)")
    _set_status(world, org, asset, "Streaming", "On Publish")
    return asset_view(asset)


def encoder_disconnect(world: World, org_id: str, asset_id: str) -> dict[str, Any]:
    org = tp_store(world, org_id)
    asset = org.assets.get(asset_id)
    if asset is None or asset["type"] != "livestream":
        raise LookupError(f"live stream {asset_id} not found in {org_id}")
    _set_status(world, org, asset, "Disconnected", "On Publish Done")
    return asset_view(asset)


# -- subtitles -------------------------------------------------------------------------------------
def _add_subtitle(ctx: Ctx, name: str, kind: str) -> dict[str, Any]:
    org = tp_org(ctx)
    asset = org.asset(ctx.p("asset_id"))
    sid = org.next_int()
    subtitle = {
        "id": sid,
        "type": "Subtitle",
        "name": name,
        "bytes": 1024,
        "subtitle_type": kind,
        "url": f"https://d.sandbox.invalid/subtitles/{asset['id']}/{sid}.vtt",
    }
    org.subtitles.setdefault(asset["id"], []).append(subtitle)
    return subtitle


def generate_subtitle(ctx: Ctx) -> Reply:
    _add_subtitle(ctx, "English", "Auto Generated")
    return Reply(201, asset_view(tp_org(ctx).asset(ctx.p("asset_id"))))


def upload_subtitle(ctx: Ctx) -> Reply:
    _add_subtitle(ctx, str(ctx.b("name") or "Subtitle"), "Uploaded")
    return Reply(200, {"detail": "Subtitle uploaded successfully"})


def list_subtitles(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    return Reply(200, list(org.subtitles.get(org.asset(ctx.p("asset_id"))["id"], [])))


def delete_subtitle(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    subs = org.subtitles.get(org.asset(ctx.p("asset_id"))["id"], [])
    for sub in subs:
        if str(sub["id"]) == ctx.p("subtitle_id"):
            if sub["subtitle_type"] == "Auto Generated":
                raise ApiError(403, "Auto-generated subtitles cannot be deleted.")
            subs.remove(sub)
            return Reply(204)
    raise ApiError(404, "Not found.")


# -- chapters --------------------------------------------------------------------------------------
def create_chapters(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    chapters = org.chapters.setdefault(org.asset(ctx.p("asset_id"))["id"], [])
    for item in ctx.b("chapters") or []:
        chapters.append({"id": org.next_int(), "title": item["title"], "start_time": item["start_time"]})
    return Reply(201, drf_page(ctx, list(chapters)))


def list_chapters(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    return Reply(200, drf_page(ctx, list(org.chapters.get(org.asset(ctx.p("asset_id"))["id"], []))))


def delete_chapter(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    chapters = org.chapters.get(org.asset(ctx.p("asset_id"))["id"], [])
    for chapter in chapters:
        if str(chapter["id"]) == ctx.p("chapter_id"):
            chapters.remove(chapter)
            return Reply(204)
    raise ApiError(404, "Not found.")


# -- transcoding jobs ------------------------------------------------------------------------------
def create_job(ctx: Ctx) -> Reply:
    job = ctx.world.faker.make(ctx.op.response_schema or {})
    job.update({k: v for k, v in dict(ctx.body).items()})
    job.update({"id": ctx.world.uuid(), "status": "queued"})
    tp_org(ctx).jobs[job["id"]] = job
    return Reply(201, job)


def list_jobs(ctx: Ctx) -> Reply:
    jobs = list(tp_org(ctx).jobs.values())
    wanted = ctx.q("status")
    if wanted:
        wanted = set(wanted) if isinstance(wanted, list) else {wanted}
        jobs = [j for j in jobs if j.get("status") in wanted]
    return Reply(200, drf_page(ctx, jobs, page_style=True))


def _job(ctx: Ctx) -> dict[str, Any]:
    return find(tp_org(ctx).jobs, ctx.p("job_id"), "Not found.")


def get_job(ctx: Ctx) -> Reply:
    return Reply(200, _job(ctx))


def cancel_job(ctx: Ctx) -> Reply:
    job = _job(ctx)
    job["status"] = "cancelled"
    body = ctx.world.faker.make(ctx.op.response_schema or {})
    if isinstance(body, dict):
        body.update({k: v for k, v in {"id": job["id"], "status": "cancelled"}.items() if k in body})
    return Reply(200, body)


HANDLERS: dict[str, Handler] = {
    "tp_login": tp.login,
    "tp_logout": tp.logout,
    "tp_list_organizations": tp.list_organizations,
    "tp_list_assets": list_assets,
    "tp_create_video": tp.create_video,
    "tp_bulk_create_videos": tp.bulk_create,
    "tp_create_upload_session": tp.create_upload_session,
    "tp_get_asset": get_asset,
    "tp_delete_asset": tp.delete_asset,
    "tp_delete_asset_resolutions": tp.asset_default,
    "tp_move_asset": tp.move_asset,
    "tp_upload_thumbnail": tp.asset_default,
    "tp_trim_asset": tp.asset_default,
    "tp_get_trim_status": tp.asset_default,
    "tp_revert_trim": tp.asset_default,
    "tp_generate_subtitle": generate_subtitle,
    "tp_upload_subtitle": upload_subtitle,
    "tp_list_subtitles": list_subtitles,
    "tp_delete_subtitle": delete_subtitle,
    "tp_create_chapters": create_chapters,
    "tp_list_chapters": list_chapters,
    "tp_delete_chapter": delete_chapter,
    "tp_create_access_token": tp.create_access_token,
    "tp_get_access_token": tp.get_access_token,
    "tp_update_access_token": tp.update_access_token,
    "tp_create_folder": tp.create_folder,
    "tp_list_folders": tp.list_folders,
    "tp_create_live_stream": create_live_stream,
    "tp_list_live_streams": list_live_streams,
    "tp_start_live_stream_server": start_server,
    "tp_stop_live_stream": stop_live_stream,
    "tp_create_webhook": tp.create_webhook,
    "tp_list_webhooks": tp.list_webhooks,
    "tp_replace_webhook": tp.replace_webhook,
    "tp_delete_webhook": tp.delete_webhook,
    "tp_create_transcoding_job": create_job,
    "tp_list_transcoding_jobs": list_jobs,
    "tp_get_transcoding_job": get_job,
    "tp_cancel_transcoding_job": cancel_job,
}
