"""Envelope unwrapping: from the body on the wire to the payload the models describe.

RealtimeKit ``{success, data, paging?}`` (falls back to a v4 ``result`` if one ever appears), Webinar
``{success, data, timestamp}``, TP Streams: no envelope (bare resources and DRF pages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Unwrap", "unwrap_data", "unwrap_none"]

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
