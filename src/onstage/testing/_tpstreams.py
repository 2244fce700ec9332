"""TP Streams state and handlers: assets (videos, live streams, folders), webhooks, access tokens,
chapters, subtitles, transcoding jobs and login tokens. Live-stream timing lives in ``_tp_live``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from ._core import ApiError, Ctx, Reply, World, default_handler, find, iso_now

__all__ = ["TpOrg", "asset_view", "drf_page", "new_asset", "tp_org", "tp_store"]

DEFAULT_LIMIT = 50
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@dataclass
class TpOrg:
    org: str
    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    chapters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    subtitles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    timers: dict[str, dict[str, float]] = field(default_factory=dict)
    counter: int = 0

    def next_int(self) -> int:
        self.counter += 1
        return self.counter

    def asset(self, asset_id: str) -> dict[str, Any]:
        return find(self.assets, asset_id, "Not found.")

    def folder(self, folder_id: str | None) -> dict[str, Any] | None:
        """The folder ``folder_id`` names (None for none); a 400 when it is not one of ours."""
        folder = self.assets.get(folder_id or "")
        if folder_id and (folder is None or folder["type"] != "folder"):
            raise ApiError(400, "Invalid folder UUID", field="parent")
        return folder


def tp_store(world: World, org: str) -> TpOrg:
    store: TpOrg = world.store(("tp", org), lambda: TpOrg(org))
    return store


def tp_org(ctx: Ctx) -> TpOrg:
    return tp_store(ctx.world, ctx.p("organization_id"))


def asset_id(world: World) -> str:
    return "".join(world.rng.choice(_ALPHABET) for _ in range(11))


def _folder_ref(folder: dict[str, Any]) -> dict[str, Any]:
    return {"title": folder["title"], "uuid": folder["id"]}


def _place(asset: dict[str, Any], folder: dict[str, Any] | None) -> None:
    asset["parent"] = _folder_ref(folder) if folder else None
    asset["parent_id"] = folder["id"] if folder else None


def new_asset(world: World, org: TpOrg, kind: str, title: str, parent: str | None = None) -> dict[str, Any]:
    folder = org.folder(parent)
    new_id = world.uuid() if kind == "folder" else asset_id(world)
    asset: dict[str, Any] = {
        "id": new_id,
        "title": title,
        "bytes": None,
        "type": kind,
        "video": None,
        "live_stream": None,
        "parent": None,
        "parent_id": None,
        "created": iso_now(),
    }
    _place(asset, folder)
    org.assets[new_id] = asset
    return asset


def asset_view(asset: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in asset.items() if k != "created"}


def drf_page(ctx: Ctx, items: list[Any], *, page_style: bool = False) -> dict[str, Any]:
    """A DRF page with absolute ``next``/``previous`` links (``limit``/``offset``, or ``page``)."""
    raw = dict(ctx.raw_query)
    base = f"{ctx.base_url}{quote(ctx.path, safe='/')}"  # a valid URI whatever the ids contain
    if page_style:
        page = max(int(raw.get("page") or 1), 1)
        size = DEFAULT_LIMIT
        offset = (page - 1) * size
        chunk = items[offset : offset + size]

        def link(n: int) -> str:
            return f"{base}?{urlencode({**raw, 'page': n})}"

        nxt = link(page + 1) if offset + size < len(items) else None
        prev = link(page - 1) if page > 1 else None
    else:
        try:
            limit = int(raw.get("limit") or DEFAULT_LIMIT)
            offset = int(raw.get("offset") or 0)
        except ValueError as exc:
            raise ApiError(400, "A valid integer is required.", field="limit") from exc
        limit = max(limit, 1)
        offset = max(offset, 0)
        chunk = items[offset : offset + limit]

        def link(n: int) -> str:
            return f"{base}?{urlencode({**raw, 'limit': limit, 'offset': n})}"

        nxt = link(offset + limit) if offset + limit < len(items) else None
        prev = link(max(offset - limit, 0)) if offset > 0 else None
    return {"count": len(items), "next": nxt, "previous": prev, "results": chunk}


# -- auth and organizations -------------------------------------------------------------------------
def login(ctx: Ctx) -> Reply:
    token = ctx.world.token(64)
    ctx.world.tp_tokens[token] = str(ctx.b("organization_id"))
    tp_store(ctx.world, str(ctx.b("organization_id")))
    expiry = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30)).isoformat()
    return Reply(200, {"token": token, "expiry": expiry})


def logout(ctx: Ctx) -> Reply:
    ctx.world.tp_tokens.pop(ctx.auth_token or "", None)
    return Reply(204)


def list_organizations(ctx: Ctx) -> Reply:
    known = [
        ctx.world.tp_organization,
        *ctx.world.tp_tokens.values(),
        *(key[1] for key in ctx.world.stores if key[0] == "tp"),
    ]
    orgs = list(dict.fromkeys(known))
    rows = [
        {
            "name": f"Organization {o}",
            "uuid": o,
            "drm_aes_signing_iv": "0" * 32,
            "drm_aes_signing_key": "0" * 64,
        }
        for o in orgs
    ]
    return Reply(200, drf_page(ctx, rows))


# -- assets ----------------------------------------------------------------------------------------
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
    items = list(tp_org(ctx).assets.values())
    if ctx.q("parent"):
        items = [a for a in items if a["parent_id"] == ctx.q("parent")]
    if ctx.q("has_parent") is False:
        items = [a for a in items if a["parent_id"] is None]
    if ctx.q("q"):
        items = [a for a in items if str(ctx.q("q")).lower() in a["title"].lower()]
    return Reply(200, drf_page(ctx, [asset_view(a) for a in items]))


def get_asset(ctx: Ctx) -> Reply:
    asset = asset_view(tp_org(ctx).asset(ctx.p("asset_id")))
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
    _place(asset, org.folder(ctx.b("parent")))
    return Reply(200, {"detail": "Asset moved successfully."})


def asset_default(ctx: Ctx) -> Reply:
    """Asset-scoped operations without state of their own: 404 for unknown assets, else a plausible body."""
    tp_org(ctx).asset(ctx.p("asset_id"))
    return default_handler(ctx)


# -- folders ---------------------------------------------------------------------------------------
def create_folder(ctx: Ctx) -> Reply:
    asset = new_asset(ctx.world, tp_org(ctx), "folder", str(ctx.b("title")), ctx.b("parent"))
    return Reply(201, _folder_ref(asset))


def list_folders(ctx: Ctx) -> Reply:
    folders = [_folder_ref(a) for a in tp_org(ctx).assets.values() if a["type"] == "folder"]
    if ctx.q("q"):
        folders = [f for f in folders if str(ctx.q("q")).lower() in f["title"].lower()]
    return Reply(200, drf_page(ctx, folders))


# -- webhooks --------------------------------------------------------------------------------------
def create_webhook(ctx: Ctx) -> Reply:
    webhook = {"id": ctx.world.uuid(), "url": ctx.b("url"), "secret_token": ctx.b("secret_token")}
    tp_org(ctx).webhooks[webhook["id"]] = webhook
    return Reply(201, webhook)


def list_webhooks(ctx: Ctx) -> Reply:
    return Reply(200, drf_page(ctx, list(tp_org(ctx).webhooks.values())))


def _webhook(ctx: Ctx) -> dict[str, Any]:
    return find(tp_org(ctx).webhooks, ctx.p("webhook_id"), "Not found.")


def replace_webhook(ctx: Ctx) -> Reply:
    webhook = _webhook(ctx)
    webhook.update({"url": ctx.b("url"), "secret_token": ctx.b("secret_token")})
    return Reply(200, webhook)


def delete_webhook(ctx: Ctx) -> Reply:
    del tp_org(ctx).webhooks[_webhook(ctx)["id"]]
    return Reply(204)


# -- access tokens ---------------------------------------------------------------------------------
def _valid_until(ttl: Any) -> str | None:
    if ttl is None:
        return None
    try:
        until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=float(ttl))
    except (OverflowError, ValueError) as exc:
        raise ApiError(
            400, "Ensure this value is a reasonable number of seconds.", field="time_to_live"
        ) from exc
    return until.isoformat()


def create_access_token(ctx: Ctx) -> Reply:
    org = tp_org(ctx)
    asset = org.asset(ctx.p("asset_id"))
    code = ctx.world.uuid()
    token = {
        "code": code,
        "playback_url": f"https://app.tpstreams.com/embed/{org.org}/{asset['id']}/?access_token={code}",
        "expires_after_first_usage": bool(ctx.b("expires_after_first_usage", False)),
        "status": "Active",
        "valid_until": _valid_until(ctx.b("time_to_live")),
        "annotations": list(ctx.b("annotations") or []),
    }
    org.access_tokens[(asset["id"], code)] = token
    return Reply(201, token)


def _access_token(ctx: Ctx) -> dict[str, Any]:
    org = tp_org(ctx)
    org.asset(ctx.p("asset_id"))
    return find(org.access_tokens, (ctx.p("asset_id"), ctx.p("code")), "Not found.")


def get_access_token(ctx: Ctx) -> Reply:
    return Reply(200, _access_token(ctx))


def update_access_token(ctx: Ctx) -> Reply:
    token = _access_token(ctx)
    token["valid_until"] = _valid_until(ctx.b("time_to_live"))
    return Reply(200, token)
