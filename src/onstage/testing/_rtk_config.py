"""RealtimeKit configuration resources: presets and webhook registrations."""

from __future__ import annotations

from typing import Any

from ._core import ApiError, Ctx, Handler, Reply, find, iso_now
from ._realtimekit import new_preset, ok, paginate, rtk_app, search

__all__ = ["HANDLERS"]


def _preset(ctx: Ctx) -> dict[str, Any]:
    return find(rtk_app(ctx).presets, ctx.p("preset_id"), f"Preset {ctx.p('preset_id')} not found")


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def create_preset(ctx: Ctx) -> Reply:
    app = rtk_app(ctx)
    if app.preset_id(ctx.b("name")):
        raise ApiError(400, f"A preset named {ctx.b('name')!r} already exists", field="name")
    preset = new_preset(ctx.world, dict(ctx.body or {}))
    app.presets[preset["id"]] = preset
    return ok(preset, 201)


def list_presets(ctx: Ctx) -> Reply:
    items = search(list(rtk_app(ctx).presets.values()), ctx.q("search"), "name")
    chunk, paging = paginate(ctx, items)
    return ok([{k: p[k] for k in ("id", "name", "created_at", "updated_at")} for p in chunk], paging=paging)


def get_preset(ctx: Ctx) -> Reply:
    return ok(_preset(ctx))


def update_preset(ctx: Ctx) -> Reply:
    preset = _preset(ctx)
    _merge(preset, dict(ctx.body or {}))
    preset["updated_at"] = iso_now()
    return ok(preset)


def replace_preset(ctx: Ctx) -> Reply:
    preset = _preset(ctx)
    fresh = new_preset(ctx.world, dict(ctx.body or {}))
    fresh.update({"id": preset["id"], "created_at": preset["created_at"]})
    preset.clear()
    preset.update(fresh)
    return ok(preset)


def delete_preset(ctx: Ctx) -> Reply:
    preset = _preset(ctx)
    del rtk_app(ctx).presets[preset["id"]]
    return ok(preset)


# -- webhooks --------------------------------------------------------------------------------------
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


HANDLERS: dict[str, Handler] = {
    "get-presets": list_presets,
    "post-presets": create_preset,
    "get-presets-preset_id": get_preset,
    "patch-presets-preset_id": update_preset,
    "put-presets-preset_id": replace_preset,
    "delete-presets-preset_id": delete_preset,
    "getAllWebhooks": list_webhooks,
    "addWebhook": create_webhook,
    "getAllWebhookEvents": list_event_types,
    "getWebhook": get_webhook,
    "editWebhook": update_webhook,
    "replaceWebhook": replace_webhook,
    "deleteWebhook": delete_webhook,
}
