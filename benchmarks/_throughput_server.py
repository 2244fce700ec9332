"""The loopback server of ``bench_throughput.py``: a raw ASGI app (no framework, so the server spends
as little CPU per request as uvicorn allows) answering
``GET /client/v4/accounts/{a}/realtime/kit/{app}/meetings/{id}`` with a RealtimeKit envelope holding
one meeting. Started by the benchmark as ``uvicorn --app-dir benchmarks _throughput_server:app``."""

from __future__ import annotations

import json
from typing import Any

from onstage._asgi import lifespan

_HEADERS = [(b"content-type", b"application/json")]
_NOT_FOUND = b'{"success": false, "errors": [{"code": 404, "message": "not found"}]}'
_MARK = "@@ID@@"


def meeting(meeting_id: str, title: str = "Standup") -> dict[str, Any]:
    """One RealtimeKit meeting object (also the payload of ``bench_overhead.py``)."""
    return {
        "id": meeting_id,
        "title": title,
        "status": "ACTIVE",
        "created_at": "2026-11-01T10:00:00.000Z",
        "updated_at": "2026-11-01T10:05:00.000Z",
        "record_on_start": False,
        "live_stream_on_start": False,
        "persist_chat": False,
        "summarize_on_end": False,
        "session_keep_alive_time_in_secs": 60,
    }


# The envelope is serialized once; each response splices the requested id in.
_HEAD, _TAIL = json.dumps({"success": True, "data": meeting(_MARK)}).encode().split(_MARK.encode())


def _body(path: str) -> bytes | None:
    # ["", "client", "v4", "accounts", a, "realtime", "kit", app, "meetings", id]
    parts = path.split("/")
    if (
        len(parts) == 10
        and parts[1:4] == ["client", "v4", "accounts"]
        and parts[5:7] == ["realtime", "kit"]
        and parts[8] == "meetings"
        and parts[9]
    ):
        return _HEAD + parts[9].encode() + _TAIL
    return None


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        return await lifespan(receive, send)
    if scope["type"] != "http":
        return
    body = _body(scope["path"]) if scope["method"] == "GET" else None
    status = 200 if body is not None else 404
    await send({"type": "http.response.start", "status": status, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": body if body is not None else _NOT_FOUND})
