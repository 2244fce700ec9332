"""TP Streams chapters of an asset."""

from __future__ import annotations

from .._engine.handler import ApiError, Ctx, Reply
from .state import drf_page, tp_org

__all__ = ["create_chapters", "delete_chapter", "list_chapters"]


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
