"""RealtimeKit webhook registrations (what ``events`` sends them lives in ``events``)."""

from __future__ import annotations

from typing import Any

from .._engine.faker import iso_now
from .._engine.handler import Ctx, Reply, find
from .state import ok, rtk_app

__all__ = [
    "create_webhook",
    "delete_webhook",
    "get_webhook",
    "list_event_types",
    "list_webhooks",
    "replace_webhook",
    "update_webhook",
]


def _webhook(ctx: Ctx) -> dict[str, Any]:
    return find(rtk_app(ctx).webhooks, ctx.p("webhook_id"), f"Webhook {ctx.p('webhook_id')} not found")


def create_webhook(ctx: Ctx) -> Reply:
    now = iso_now()
    webhook = {
        "id": ctx.world.uuid(),
        "name": ctx.b("name"),
        "url": ctx.b("url"),
        "events": list(ctx.b("events")),
        "enabled": ctx.b("enabled", True),
        "created_at": now,
        "updated_at": now,
    }
    rtk_app(ctx).webhooks[webhook["id"]] = webhook
    return ok(webhook, 201)


def list_webhooks(ctx: Ctx) -> Reply:
    return ok(list(rtk_app(ctx).webhooks.values()))


def list_event_types(ctx: Ctx) -> Reply:
    enum = ctx.world.spec.components["schemas"].get("realtimekit_WebhookEvent", {}).get("enum", [])
    return ok(list(enum))


def get_webhook(ctx: Ctx) -> Reply:
    return ok(_webhook(ctx))


def update_webhook(ctx: Ctx) -> Reply:
    webhook = _webhook(ctx)
    for key in ("name", "url", "events", "enabled"):
        if isinstance(ctx.body, dict) and key in ctx.body:
            webhook[key] = ctx.body[key]
    webhook["updated_at"] = iso_now()
    return ok(webhook)


def replace_webhook(ctx: Ctx) -> Reply:
    webhook = _webhook(ctx)
    webhook.update(
        {
            "name": ctx.b("name"),
            "url": ctx.b("url"),
            "events": list(ctx.b("events") or []),
            "enabled": ctx.b("enabled", True),
            "updated_at": iso_now(),
        }
    )
    return ok(webhook)


def delete_webhook(ctx: Ctx) -> Reply:
    webhook = _webhook(ctx)
    del rtk_app(ctx).webhooks[webhook["id"]]
    return ok(webhook)
