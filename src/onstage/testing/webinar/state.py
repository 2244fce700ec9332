"""The Webinar API's sandbox state: rooms, sessions (with their private stream keys) and the host,
the settings the sandbox was given, scheduled sessions expiring, and the success envelope and pages."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import Any

from ..._apis import APIS
from .._engine.faker import iso_now
from .._engine.handler import Ctx, Reply, find
from .._engine.world import World
from .presets import seed_presets

__all__ = [
    "API",
    "EXPIRE_AFTER",
    "RTMP_URL",
    "Settings",
    "WbStore",
    "effective",
    "expire",
    "ok",
    "page",
    "room_of",
    "session_of",
    "settings",
    "wb_store",
    "whole",
]

API = APIS["webinar"]


@dataclass(frozen=True)
class Settings:
    """What ``Sandbox(...)`` configures for the Webinar API: the key it accepts (also as a bearer token)."""

    api_key: str


def settings(world: World) -> Settings:
    return world.setting(API.name, Settings)


RTMP_URL = "rtmp://127.0.0.1/live"
#: A scheduled session still not started this long after its ``scheduled_start_time`` is ``expired``.
#: (The API's enum has the state; when it is reached is not documented.)
EXPIRE_AFTER = datetime.timedelta(hours=1)


@dataclass
class WbStore:
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    private: dict[str, dict[str, Any]] = field(default_factory=dict)
    host: dict[str, Any] = field(default_factory=dict)
    #: The account's presets by id (the seeded ones, see ``presets``).
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)


def wb_store(world: World) -> WbStore:
    def make() -> WbStore:
        store = WbStore()
        store.host = {
            "id": world.uuid(),
            "external_user_id": world.uuid(),
            "organization_id": world.uuid(),
            "email": "host@example.com",
            "username": "sandbox-host",
            "role": "host",
            "is_active": True,
            "created_at": iso_now(),
        }
        store.presets = seed_presets(world, store.host["id"])
        return store

    store: WbStore = world.store(("wb",), make)
    _expire_overdue(store)
    return store


def _scheduled_at(session: dict[str, Any]) -> datetime.datetime | None:
    raw = session.get("scheduled_start_time")
    if not isinstance(raw, str):
        return None
    try:
        when = datetime.datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=datetime.UTC)


def expire(session: dict[str, Any]) -> None:
    session.update({"status": "expired", "updated_at": iso_now()})


def _expire_overdue(store: WbStore) -> None:
    """Scheduled sessions whose start is more than ``EXPIRE_AFTER`` in the past become ``expired``."""
    deadline = datetime.datetime.now(datetime.UTC) - EXPIRE_AFTER
    for session in store.sessions.values():
        if session["status"] == "scheduled":
            when = _scheduled_at(session)
            if when is not None and when <= deadline:
                expire(session)


def ok(data: Any, status: int = 200) -> Reply:
    return Reply(status, {"success": True, "data": data, "timestamp": int(time.time())})


def room_of(ctx: Ctx) -> dict[str, Any]:
    return find(wb_store(ctx.world).rooms, ctx.p("id"), "Resource not found")


def session_of(ctx: Ctx) -> dict[str, Any]:
    return find(wb_store(ctx.world).sessions, ctx.p("id"), "Resource not found")


def page(ctx: Ctx, items: list[Any], key: str) -> dict[str, Any]:
    page = int(ctx.q("page", 1))
    limit = int(ctx.q("limit", 10))
    start = (page - 1) * limit
    return {key: items[start : start + limit], "total": len(items), "page": page, "limit": limit}


def whole(items: list[Any], key: str) -> dict[str, Any]:
    return {key: items, "total": len(items), "page": 1, "limit": max(len(items), 10)}


def effective(session: dict[str, Any]) -> None:
    preset = session["preset"]
    for name, default in (("chat_enabled", True), ("stage_enabled", True), ("max_join_limit", 100)):
        override = session.get(f"{name}_override")
        session[f"effective_{name}"] = override if override is not None else preset.get(name, default)
