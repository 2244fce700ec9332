"""Webinar rooms."""

from __future__ import annotations

from .._engine.faker import iso_now
from .._engine.handler import Ctx, Reply
from .state import ok, page, room_of, wb_store, whole

__all__ = ["create_room", "delete_room", "get_room", "list_my_rooms", "list_rooms", "update_room"]


def create_room(ctx: Ctx) -> Reply:
    store = wb_store(ctx.world)
    now = iso_now()
    room = {
        "id": ctx.world.uuid(),
        "host_id": store.host["id"],
        "host": store.host,
        "library_id": ctx.world.uuid(),
        "title": ctx.b("title"),
        "description": ctx.b("description"),
        "analytics": ctx.b("analytics") or {"google_tag_manager": {"container_id": "", "enabled": False}},
        "active_session_id": None,
        "created_at": now,
        "updated_at": now,
    }
    store.rooms[room["id"]] = room
    return ok({"room": room}, 201)


def list_rooms(ctx: Ctx) -> Reply:
    return ok(page(ctx, list(wb_store(ctx.world).rooms.values()), "rooms"))


def list_my_rooms(ctx: Ctx) -> Reply:
    return ok(whole(list(wb_store(ctx.world).rooms.values()), "rooms"))


def get_room(ctx: Ctx) -> Reply:
    return ok(room_of(ctx))


def update_room(ctx: Ctx) -> Reply:
    room = room_of(ctx)
    for key in ("title", "description", "analytics"):
        if isinstance(ctx.body, dict) and key in ctx.body:
            room[key] = ctx.body[key]
    room["updated_at"] = iso_now()
    return ok(room)


def delete_room(ctx: Ctx) -> Reply:
    store = wb_store(ctx.world)
    room = room_of(ctx)
    del store.rooms[room["id"]]
    for sid in [s["id"] for s in store.sessions.values() if s["room_id"] == room["id"]]:
        del store.sessions[sid]
    return ok({"message": "Room deleted successfully", "id": room["id"]})
