"""TP Streams' sandbox state: one store per organization (assets, webhooks, tokens, chapters,
subtitles, jobs, timers), the login tokens, the settings the sandbox was given, assets and DRF pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from ..._apis import APIS
from .._engine.faker import iso_now
from .._engine.handler import ApiError, Ctx, find
from .._engine.world import World

__all__ = [
    "API",
    "Settings",
    "TpOrg",
    "asset_view",
    "drf_page",
    "folder_ref",
    "login_tokens",
    "new_asset",
    "organization_of",
    "organizations",
    "place",
    "settings",
    "tp_org",
    "tp_store",
]

API = APIS["tpstreams"]
#: The organization the sandbox token reports when it is not scoped to one.
DEFAULT_ORGANIZATION = "org1"
DEFAULT_LIMIT = 50
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_STORE = "tp"


@dataclass(frozen=True)
class Settings:
    """What ``Sandbox(...)`` configures for TP Streams."""

    #: The token the sandbox accepts (besides those from ``auth.login``).
    token: str
    #: The organization the sandbox token belongs to; None: any organization works with it (each gets
    #: its own state) and ``DEFAULT_ORGANIZATION`` is the one it reports.
    organization_id: str | None = None
    #: Seconds before a live stream's server is up (real: 20-30).
    server_start_delay: float = 0.0

    @property
    def organization(self) -> str:
        return self.organization_id or DEFAULT_ORGANIZATION


def settings(world: World) -> Settings:
    return world.setting(API.name, Settings)


def login_tokens(world: World) -> dict[str, str]:
    """Tokens issued by ``auth.login``: token -> the organization it logged into."""
    tokens: dict[str, str] = world.store(("tp-tokens",), dict)
    return tokens


def organization_of(world: World, token: str) -> str | None:
    """The organization a token belongs to: the one it logged into, or the sandbox token's when the
    sandbox was given one (``None``: the sandbox token works for any organization)."""
    return login_tokens(world).get(token, settings(world).organization_id)


def organizations(world: World) -> list[str]:
    """Every organization the sandbox knows of, the sandbox token's first."""
    known = [
        settings(world).organization,
        *login_tokens(world).values(),
        *(key[1] for key in world.stores if key[0] == _STORE),
    ]
    return list(dict.fromkeys(known))


@dataclass
class TpOrg:
    org: str
    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    access_tokens: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    chapters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    subtitles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    timers: dict[str, dict[str, float]] = field(default_factory=dict)
    counter: int = 0

    def next_int(self) -> int:
        self.counter += 1
        return self.counter

    def asset(self, asset_id: str) -> dict[str, Any]:
        return find(self.assets, asset_id, "Not found.")

    def folder(self, folder_id: str | None) -> dict[str, Any] | None:
        """The folder ``folder_id`` names (None for none); a 400 when it is not one of ours."""
        folder = self.assets.get(folder_id or "")
        if folder_id and (folder is None or folder["type"] != "folder"):
            raise ApiError(400, "Invalid folder UUID", field="parent")
        return folder


def tp_store(world: World, org: str) -> TpOrg:
    store: TpOrg = world.store((_STORE, org), lambda: TpOrg(org))
    return store


def tp_org(ctx: Ctx) -> TpOrg:
    return tp_store(ctx.world, ctx.p("organization_id"))


def asset_id(world: World) -> str:
    return "".join(world.rng.choice(_ALPHABET) for _ in range(11))


def folder_ref(folder: dict[str, Any]) -> dict[str, Any]:
    return {"title": folder["title"], "uuid": folder["id"]}


def place(asset: dict[str, Any], folder: dict[str, Any] | None) -> None:
    asset["parent"] = folder_ref(folder) if folder else None
    asset["parent_id"] = folder["id"] if folder else None


def new_asset(world: World, org: TpOrg, kind: str, title: str, parent: str | None = None) -> dict[str, Any]:
    folder = org.folder(parent)
    new_id = world.uuid() if kind == "folder" else asset_id(world)
    asset: dict[str, Any] = {
        "id": new_id,
        "title": title,
        "bytes": None,
        "type": kind,
        "video": None,
        "live_stream": None,
        "parent": None,
        "parent_id": None,
        "created": iso_now(),
    }
    place(asset, folder)
    org.assets[new_id] = asset
    return asset


def asset_view(asset: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in asset.items() if k != "created"}


def drf_page(ctx: Ctx, items: list[Any], *, page_style: bool = False) -> dict[str, Any]:
    """A DRF page with absolute ``next``/``previous`` links (``limit``/``offset``, or ``page``)."""
    raw = dict(ctx.raw_query)
    base = f"{ctx.base_url}{quote(ctx.path, safe='/')}"  # a valid URI whatever the ids contain
    if page_style:
        page = max(int(raw.get("page") or 1), 1)
        size = DEFAULT_LIMIT
        offset = (page - 1) * size
        chunk = items[offset : offset + size]

        def link(n: int) -> str:
            return f"{base}?{urlencode({**raw, 'page': n})}"

        nxt = link(page + 1) if offset + size < len(items) else None
        prev = link(page - 1) if page > 1 else None
    else:
        try:
            limit = int(raw.get("limit") or DEFAULT_LIMIT)
            offset = int(raw.get("offset") or 0)
        except ValueError as exc:
            raise ApiError(400, "A valid integer is required.", field="limit") from exc
        limit = max(limit, 1)
        offset = max(offset, 0)
        chunk = items[offset : offset + limit]

        def link(n: int) -> str:
            return f"{base}?{urlencode({**raw, 'limit': limit, 'offset': n})}"

        nxt = link(offset + limit) if offset + limit < len(items) else None
        prev = link(max(offset - limit, 0)) if offset > 0 else None
    return {"count": len(items), "next": nxt, "previous": prev, "results": chunk}
