"""ASGI for the sandbox: the type aliases (``onstage._asgi``'s) and the small request object the
pipeline and the control API read (method, paths, query, headers, body), straight from the scope."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs, quote

from ..._asgi import ASGIApp as App
from ..._asgi import Message, Receive, Scope, Send, lifespan, read_body

__all__ = ["App", "Headers", "Message", "Receive", "Request", "Scope", "Send", "lifespan", "read_body"]


_DEFAULT_PORTS = {"http": 80, "https": 443}


class Headers(Mapping[str, str]):
    """Request headers by lower-cased name (latin-1); the first of repeated headers wins."""

    def __init__(self, raw: Any) -> None:
        self._items: dict[str, str] = {}
        for key, value in raw:
            self._items.setdefault(bytes(key).decode("latin-1").lower(), bytes(value).decode("latin-1"))

    def __getitem__(self, key: str) -> str:
        return self._items[key.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class Request:
    """One HTTP request: the scope's facts plus its body, read once by the pipeline."""

    def __init__(self, scope: Scope, receive: Receive, body: bytes) -> None:
        self.scope = scope
        #: The receive channel: after the body it reports ``http.disconnect`` (the ``timeout`` fault).
        self.receive = receive
        self.body = body
        self.method: str = str(scope["method"]).upper()
        self.path: str = scope["path"]
        self.query_string: str = scope.get("query_string", b"").decode("latin-1")
        self.headers = Headers(scope.get("headers", []))

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(self.query_string, keep_blank_values=True)

    @property
    def raw_path(self) -> str:
        """The path as sent (percent-encoded), without the query string."""
        raw = self.scope.get("raw_path")
        if isinstance(raw, bytes) and raw:
            return raw.split(b"?", 1)[0].decode("latin-1")
        return quote(self.path)

    @property
    def base_url(self) -> str:
        """``scheme://host[:port]`` the client addressed (its ``Host`` header, else the server)."""
        scheme = self.scope.get("scheme", "http")
        host = self.headers.get("host")
        if host is None:
            server = self.scope.get("server")
            if not server:
                return ""
            name, port = server
            host = name if _DEFAULT_PORTS.get(scheme) == port else f"{name}:{port}"
        return f"{scheme}://{host}"
