"""Webhook targets in the sandbox's own process: ASGI apps by origin (``https://app.example``). A
delivery whose URL has one of these origins is posted to that app through ``httpx2.ASGITransport``
(path, query, headers and body as over the network, ``Host`` the origin's) instead of leaving the
machine. The app's lifespan is not run, and an exception in it answers a 500 (it does not reach the
sandbox)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import SplitResult, urlsplit

import httpx2

from .asgi import App

__all__ = ["LocalApps", "origin_of"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, lower-cased and without a default port; else None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != _DEFAULT_PORTS[scheme] else "")


def _bare(parts: SplitResult) -> bool:
    """Nothing but scheme, host and port: no user info, path, query or fragment."""
    return "@" not in parts.netloc and parts.path in ("", "/") and not (parts.query or parts.fragment)


class LocalApps:
    """ASGI apps that receive the webhook deliveries addressed to their origin, in process."""

    def __init__(self, apps: Mapping[str, App] | None = None) -> None:
        self._apps: dict[str, App] = {}
        for origin, app in (apps or {}).items():
            self.add(origin, app)

    def add(self, origin: str, app: App) -> None:
        """Send deliveries to ``origin`` (``"https://app.example"``: scheme, host, optional port and
        nothing else) to ``app``; replaces an app given before for the same origin."""
        normal = origin_of(origin)  # None for what does not parse, so split it only after
        if normal is None or not _bare(urlsplit(origin.strip())):
            raise ValueError(
                f"{origin!r} is not an origin: give scheme://host[:port] with http or https, "
                "e.g. 'https://app.example'"
            )
        self._apps[normal] = app

    def find(self, url: str) -> App | None:
        """The app deliveries to ``url`` go to, or None (they go over the network)."""
        origin = origin_of(url)
        return None if origin is None else self._apps.get(origin)

    @staticmethod
    async def post(
        app: App, url: str, body: bytes, headers: Mapping[str, str], timeout: float
    ) -> httpx2.Response:
        """POST ``body`` to ``url`` served by ``app`` (a 500 if the app raises)."""
        transport = httpx2.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx2.AsyncClient(transport=transport, timeout=timeout) as client:
            return await client.post(url, content=body, headers=dict(headers))
