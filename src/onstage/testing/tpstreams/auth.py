"""TP Streams login tokens (each scoped to the organization it logged into) and organizations."""

from __future__ import annotations

import datetime

from .._engine.handler import Ctx, Reply
from .state import drf_page, login_tokens, organizations, tp_store

__all__ = ["list_organizations", "login", "logout"]


def login(ctx: Ctx) -> Reply:
    token = ctx.world.token(64)
    login_tokens(ctx.world)[token] = str(ctx.b("organization_id"))
    tp_store(ctx.world, str(ctx.b("organization_id")))
    expiry = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30)).isoformat()
    return Reply(200, {"token": token, "expiry": expiry})


def logout(ctx: Ctx) -> Reply:
    login_tokens(ctx.world).pop(ctx.auth_token or "", None)
    return Reply(204)


def list_organizations(ctx: Ctx) -> Reply:
    rows = [
        {
            "name": f"Organization {o}",
            "uuid": o,
            "drm_aes_signing_iv": "0" * 32,
            "drm_aes_signing_key": "0" * 64,
        }
        for o in organizations(ctx.world)
    ]
    return Reply(200, drf_page(ctx, rows))
