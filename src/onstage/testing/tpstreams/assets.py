"""TP Streams assets: videos (single, bulk, upload sessions), listing, moving, deleting, and folders.
Live-stream timers are applied before an asset is read (``live_streams.advance``)."""

from __future__ import annotations

from typing import Any

from .._engine.handler import ApiError, Ctx, Reply, default_handler
from .._engine.world import World
from .live_streams import advance
from .state import TpOrg, asset_view, drf_page, folder_ref, new_asset, place, tp_org

__all__ = [
    "asset_default",
    "bulk_create",
    "create_folder",
    "create_upload_session",
    "create_video",
    "delete_asset",
    "get_asset",
    "list_assets",
    "list_folders",
    "move_asset",
]


def _video(body: dict[str, Any], asset_id_: str, org: str) -> dict[str, Any]:
    base = f"https://d.sandbox.invalid/transcoded/{org}/{asset_id_}"
    return {
        "progress": 100,
        "thumbnails": [f"{base}/thumbnails/1.png"],
        "status": "Completed",
        "playback_url": f"{base}/video.m3u8",
        "dash_url": f"{base}/video.mpd",
        "preview_thumbnail_url": f"{base}/preview.png",
        "cover_thumbnail_url": f"{base}/cover.png",
        "format": "abr",
        "resolutions": list(body.get("resolutions") or ["240p", "720p"]),
        "video_codec": "h264",
        "audio_codec": "aac",
        "enable_drm": body.get("content_protection_type") == "drm",
        "content_protection_type": body.get("content_protection_type", "disable"),
        "tracks": [],
        "inputs": list(body.get("inputs") or []),
        "transmux_only": False,
        "duration": 60,
        "generate_subtitle": bool(body.get("generate_subtitle")),
        "video_codecs": ["h264"],
        "output_urls": {},
    }


def create_video_asset(world: World, org: TpOrg, body: dict[str, Any]) -> dict[str, Any]:
    inputs = body.get("inputs") or []
    title = body.get("title") or (inputs[0].get("url", "").rsplit("/", 1)[-1] if inputs else "Untitled")
    asset = new_asset(world, org, "video", title, body.get("folder"))
    asset["video"] = _video(body, asset["id"], org.org)
    asset["bytes"] = 1048576
    return asset


def create_video(ctx: Ctx) -> Reply:
    return Reply(201, asset_view(create_video_asset(ctx.world, tp_org(ctx), dict(ctx.body))))


def bulk_create(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(ctx.body):
        key = (str(item.get("title")), str((item.get("inputs") or [{}])[0].get("url")))
        if key in seen:
            raise ApiError(
                400,
                "Duplicate video in the batch (same title and input URL).",
                extra={
                    "item_index": index,
                    "duplicate_key": list(key),
                    "first_occurrence_index": seen[key],
                    "current_occurrence_index": index,
                },
            )
        seen[key] = index
    return Reply(201, [asset_view(create_video_asset(ctx.world, org, dict(item))) for item in ctx.body])


def create_upload_session(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    asset = new_asset(ctx.world, org, "video", str(ctx.b("title")), ctx.b("folder"))
    asset["video"] = {
        **_video(dict(ctx.body), asset["id"], org.org),
        "status": "Not Started",
        "progress": 0,
    }
    body = ctx.world.faker.make(ctx.op.response_schema or {})
    body["asset"] = asset_view(asset)
    return Reply(201, body)


def list_assets(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    advance(ctx.world, org, ctx.world.now())
    items = list(org.assets.values())
    if ctx.q("parent"):
        items = [a for a in items if a["parent_id"] == ctx.q("parent")]
    if ctx.q("has_parent") is False:
        items = [a for a in items if a["parent_id"] is None]
    if ctx.q("q"):
        items = [a for a in items if str(ctx.q("q")).lower() in a["title"].lower()]
    return Reply(200, drf_page(ctx, [asset_view(a) for a in items]))


def get_asset(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    advance(ctx.world, org, ctx.world.now())
    asset = asset_view(org.asset(ctx.p("asset_id")))
    asset.update(
        {"views_count": 0, "average_watched_time": 0.0, "total_watch_time": 0.0, "unique_viewers_count": 0}
    )
    if asset["video"]:
        asset["download_url"] = f"https://d.sandbox.invalid/download/{asset['id']}.mp4"
    return Reply(200, asset)


def delete_asset(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    asset = org.asset(ctx.p("asset_id"))
    doomed = [asset["id"]]
    while doomed:
        current = doomed.pop()
        org.assets.pop(current, None)
        org.timers.pop(current, None)
        doomed.extend(a["id"] for a in org.assets.values() if a["parent_id"] == current)
    return Reply(204)


def move_asset(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    asset = org.asset(ctx.p("asset_id"))
    place(asset, org.folder(ctx.b("parent")))
    return Reply(200, {"detail": "Asset moved successfully."})


def asset_default(ctx: Ctx) -> Reply:
    """Asset-scoped operations without state of their own: 404 for unknown assets, else a plausible body."""
    tp_org(ctx).asset(ctx.p("asset_id"))
    return default_handler(ctx)


# -- folders ---------------------------------------------------------------------------------------
def create_folder(ctx: Ctx) -> Reply:
    asset = new_asset(ctx.world, tp_org(ctx), "folder", str(ctx.b("title")), ctx.b("parent"))
    return Reply(201, folder_ref(asset))


def list_folders(ctx: Ctx) -> Reply:
    folders = [folder_ref(a) for a in tp_org(ctx).assets.values() if a["type"] == "folder"]
    if ctx.q("q"):
        folders = [f for f in folders if str(ctx.q("q")).lower() in f["title"].lower()]
    return Reply(200, drf_page(ctx, folders))
