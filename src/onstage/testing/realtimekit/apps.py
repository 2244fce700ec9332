"""RealtimeKit apps of an account."""

from __future__ import annotations

from typing import Any

from .._engine.faker import iso_now
from .._engine.handler import Ctx, Reply, find
from .state import ok, paginate, search

__all__ = ["create_app", "get_app", "list_apps"]


def _apps(ctx: Ctx) -> list[dict[str, Any]]:
    account = ctx.p("account_id")
    apps = ctx.world.store(("rtk-apps", account), dict)
    return list(apps.values())


def list_apps(ctx: Ctx) -> Reply:
    chunk, paging = paginate(ctx, search(_apps(ctx), ctx.q("search"), "name"))
    return ok(chunk, paging=paging)


def create_app(ctx: Ctx) -> Reply:
    apps = ctx.world.store(("rtk-apps", ctx.p("account_id")), dict)
    # An app id is a Cloudflare tag (32 hex characters), usable as the app_id path parameter.
    app = {"id": ctx.world.uuid().replace("-", ""), "name": ctx.b("name"), "created_at": iso_now()}
    apps[app["id"]] = app
    return ok({"app": app})


def get_app(ctx: Ctx) -> Reply:
    apps = ctx.world.store(("rtk-apps", ctx.p("account_id")), dict)
    return ok(find(apps, ctx.p("app_id"), f"App {ctx.p('app_id')} not found"))
