"""TP Streams webhooks: registrations, and the delivery of the full asset with ``x-streams-token``."""

from __future__ import annotations

from typing import Any

from ...webhooks.tpstreams import TOKEN_HEADER
from .._engine.handler import Ctx, Reply, compact_json, find
from .._engine.webhooks import Delivery
from .._engine.world import World
from .state import API, TpOrg, asset_view, drf_page, tp_org

__all__ = ["create_webhook", "delete_webhook", "list_webhooks", "notify", "replace_webhook"]


def notify(world: World, org: TpOrg, asset: dict[str, Any]) -> None:
    """POST the full asset to every organization webhook (``x-streams-token``)."""
    view = asset_view(asset)
    status = (view.get("live_stream") or {}).get("status")
    for webhook in list(org.webhooks.values()):
        headers = {"content-type": "application/json", TOKEN_HEADER: str(webhook["secret_token"])}
        delivery = Delivery(API.name, str(webhook["url"]), status, compact_json(view), headers)
        world.dispatcher.enqueue(delivery)


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
