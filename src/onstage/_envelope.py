"""Envelope unwrapping: from the body on the wire to the payload the models describe.

Each API's envelope key is in its description (``onstage._apis``): RealtimeKit ``{success, data,
paging?}`` (falls back to a v4 ``result`` if one ever appears), Webinar ``{success, data, timestamp}``,
TP Streams: none (bare resources and DRF pages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Unwrap", "unwrap_data", "unwrap_none", "unwrapper"]

Unwrap = Callable[[Any], Any]


def unwrap_data(body: Any) -> Any:
    if type(body) is dict:
        if "data" in body:
            return body["data"]
        if "result" in body:
            return body["result"]
    return body


def unwrap_none(body: Any) -> Any:
    return body


def unwrapper(envelope: str | None) -> Unwrap:
    """The unwrap function of an API whose payload sits under ``envelope`` (None: no envelope)."""
    if envelope is None:
        return unwrap_none
    if envelope == "data":
        return unwrap_data  # the common case, without a closure on the hot path

    def unwrap(body: Any) -> Any:
        if type(body) is dict and envelope in body:
            return body[envelope]
        return body

    return unwrap
