"""TP Streams access tokens of an asset (playback links with an optional time to live)."""

from __future__ import annotations

import datetime
from typing import Any

from .._engine.handler import ApiError, Ctx, Reply, find
from .state import tp_org

__all__ = ["create_access_token", "get_access_token", "update_access_token"]


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
