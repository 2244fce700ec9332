"""RealtimeKit presets (six defaults per app, see ``state.DEFAULT_PRESETS``)."""

from __future__ import annotations

from typing import Any

from .._engine.faker import iso_now
from .._engine.handler import ApiError, Ctx, Reply, find
from .state import new_preset, ok, paginate, rtk_app, search

__all__ = [
    "create_preset",
    "delete_preset",
    "get_preset",
    "list_presets",
    "replace_preset",
    "update_preset",
]


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
