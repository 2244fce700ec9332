"""RealtimeKit's sandbox state: one store per (account, app) with its default presets, the settings
the sandbox was given, and the success envelope and page_no/per_page paging every handler answers with."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..._apis import APIS
from .._engine.faker import iso_now
from .._engine.handler import ApiError, Ctx, Reply, find
from .._engine.world import World

__all__ = [
    "API",
    "RtkApp",
    "Settings",
    "new_preset",
    "ok",
    "paginate",
    "rtk_app",
    "rtk_store",
    "search",
    "settings",
]

API = APIS["realtimekit"]
DEFAULT_PER_PAGE = 20
DEFAULT_PRESETS = (
    ("group_call_host", "GROUP_CALL"),
    ("group_call_participant", "GROUP_CALL"),
    ("webinar_presenter", "WEBINAR"),
    ("webinar_viewer", "WEBINAR"),
    ("livestream_host", "LIVESTREAM"),
    ("livestream_viewer", "LIVESTREAM"),
)


@dataclass(frozen=True)
class Settings:
    """What ``Sandbox(...)`` configures for RealtimeKit: the API token it accepts."""

    token: str


def settings(world: World) -> Settings:
    return world.setting(API.name, Settings)


@dataclass
class RtkApp:
    account_id: str
    app_id: str
    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    participants: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    presets: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    recordings: dict[str, dict[str, Any]] = field(default_factory=dict)
    livestreams: dict[str, dict[str, Any]] = field(default_factory=dict)
    livestream_sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    peers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    active: dict[str, str] = field(default_factory=dict)

    def meeting(self, meeting_id: str) -> dict[str, Any]:
        return find(self.meetings, meeting_id, f"Meeting {meeting_id} not found")

    def preset_id(self, name: str | None) -> str | None:
        """The id of the app's preset called ``name`` (names are case-sensitive), or None."""
        for preset in self.presets.values():
            if preset["name"] == name:
                return str(preset["id"])
        return None

    def known_preset_id(self, name: str) -> str:
        """The id of the app's preset called ``name`` (a default or one made through the presets
        API), else the API's refusal of an unknown preset.

        The status: the reference (realtimekit.md §3.4) documents no answer for an unknown preset;
        400 is the status it gives for a malformed request (S4, the webhook operations) and the one
        the sandbox answers for a body that fails validation. The message starts "No preset found",
        what a third-party client of the real API (chatwoot ``lib/dyte.rb``, ``preset_not_found?``)
        looks for in the error to fall back to another preset name; the rest is the sandbox's."""
        preset_id = self.preset_id(name)
        if preset_id is None:
            raise ApiError(
                400, f"No preset found with name {name!r} in app {self.app_id}", field="preset_name"
            )
        return preset_id

    def preset_names(self) -> list[str]:
        return sorted(str(p["name"]) for p in self.presets.values())


def rtk_store(world: World, account_id: str, app_id: str) -> RtkApp:
    def make() -> RtkApp:
        app = RtkApp(account_id, app_id)
        for name, view in DEFAULT_PRESETS:
            preset = new_preset(world, {"name": name})
            preset["config"]["view_type"] = view
            app.presets[preset["id"]] = preset
        return app

    store: RtkApp = world.store(("rtk", account_id, app_id), make)
    return store


def rtk_app(ctx: Ctx) -> RtkApp:
    return rtk_store(ctx.world, ctx.p("account_id"), ctx.p("app_id"))


def ok(data: Any, status: int = 200, paging: dict[str, Any] | None = None) -> Reply:
    body: dict[str, Any] = {"success": True, "data": data}
    if paging is not None:
        body["paging"] = paging
    return Reply(status, body)


def paginate(ctx: Ctx, items: list[Any]) -> tuple[list[Any], dict[str, Any]]:
    page_no = int(ctx.q("page_no", 1) or 1)
    per_page = int(ctx.q("per_page", DEFAULT_PER_PAGE) or DEFAULT_PER_PAGE)
    if page_no < 1:
        raise ApiError(400, "page_no must be at least 1", field="page_no")
    if per_page < 1:
        raise ApiError(400, "per_page must be at least 1", field="per_page")
    start = (page_no - 1) * per_page
    chunk = items[start : start + per_page]
    end = start + len(chunk) - 1 if chunk else start
    return chunk, {"start_offset": start, "end_offset": end, "total_count": len(items)}


def search(items: list[dict[str, Any]], text: str | None, *keys: str) -> list[dict[str, Any]]:
    if not text:
        return items
    needle = str(text).lower()
    return [i for i in items if any(needle in str(i.get(k) or "").lower() for k in keys)]


def new_preset(world: World, body: dict[str, Any]) -> dict[str, Any]:
    schema = world.spec.components["schemas"].get("realtimekit_Preset", {})
    preset: dict[str, Any] = world.faker.make(schema)
    now = iso_now()
    preset.update({k: v for k, v in body.items()})
    preset.update({"id": world.uuid(), "created_at": now, "updated_at": now})
    return preset
