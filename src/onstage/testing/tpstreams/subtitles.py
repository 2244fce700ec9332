"""TP Streams subtitles of an asset: generated (cannot be deleted) and uploaded."""

from __future__ import annotations

from typing import Any

from .._engine.handler import ApiError, Ctx, Reply
from .state import asset_view, tp_org

__all__ = ["delete_subtitle", "generate_subtitle", "list_subtitles", "upload_subtitle"]


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
