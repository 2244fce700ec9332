"""Case-insensitive header lookup over whatever a web framework hands us.

Accepted shapes: a plain ``dict`` (any key case), ``httpx2.Headers``, Starlette/FastAPI ``Headers``,
a list of ``(name, value)`` string pairs, or raw ASGI ``(bytes, bytes)`` pairs. When a name repeats
in a list, the first value wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias

__all__ = ["HeadersLike", "normalize_headers", "pick"]

HeadersLike: TypeAlias = Mapping[str, str] | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]]


def _text(value: str | bytes) -> str:
    # ASGI header bytes are latin-1 by spec; a str is taken as given.
    return value.decode("latin-1") if isinstance(value, bytes | bytearray) else str(value)


def normalize_headers(headers: HeadersLike) -> dict[str, str]:
    """Return ``{lowercase name: first value}``."""
    if isinstance(headers, str | bytes):
        raise TypeError("headers must be a mapping or an iterable of (name, value) pairs, not a string")
    items: Iterable[tuple[str | bytes, str | bytes]] = (
        headers.items() if isinstance(headers, Mapping) else headers
    )
    out: dict[str, str] = {}
    for name, value in items:
        out.setdefault(_text(name).lower(), _text(value))
    return out


def pick(headers: Mapping[str, str], *names: str) -> tuple[str, str] | None:
    """Return ``(name, value)`` of the first of ``names`` present in already-normalized ``headers``."""
    for name in names:
        value = headers.get(name)
        if value is not None:
            return name, value
    return None
