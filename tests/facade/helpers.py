"""Build clients on httpx2.MockTransport."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Literal

import httpx2

import onstage.sync
from onstage import AsyncPaginator, RealtimeKit, TPStreams, Webinar

Handler = Callable[[httpx2.Request], httpx2.Response]

TOKEN = "rtk-FAKE-token-0123456789"
TP_TOKEN = "tp-FAKE-token-abcdef0123"
WB_KEY = "wb-FAKE-key-9876543210"


def rtk(handler: Handler, **kw: Any) -> RealtimeKit:
    return client_for("realtimekit", handler, "async", **kw)  # type: ignore[no-any-return]


def tp(handler: Handler, **kw: Any) -> TPStreams:
    return client_for("tpstreams", handler, "async", **kw)  # type: ignore[no-any-return]


def wb(handler: Handler, **kw: Any) -> Webinar:
    return client_for("webinar", handler, "async", **kw)  # type: ignore[no-any-return]


def meeting(i: int | str = 1, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"m-{i}",
        "title": f"Meeting {i}",
        "status": "ACTIVE",
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-01T10:00:00.123+00:00",
        **extra,
    }


def ok(data: Any, status: int = 200, **extra: Any) -> httpx2.Response:
    return httpx2.Response(status, json={"success": True, "data": data, **extra})


class Recorder:
    """A handler that answers from a list of responses (or callables) and records requests."""

    def __init__(self, *responses: httpx2.Response | Exception | Handler) -> None:
        self.responses = list(responses)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        item = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(item, Exception):
            raise item
        if callable(item) and not isinstance(item, httpx2.Response):
            return item(request)
        return item


# -- both flavours -----------------------------------------------------------------------------------
Flavour = Literal["async", "sync"]
FLAVOURS: tuple[Flavour, ...] = ("async", "sync")
_CREDENTIALS = {
    "realtimekit": {"api_token": TOKEN, "account_id": "acc", "app_id": "app"},
    "tpstreams": {"token": TP_TOKEN, "organization_id": "org1"},
    "webinar": {"api_key": WB_KEY},
}
_CLASSES = {
    "async": {"realtimekit": RealtimeKit, "tpstreams": TPStreams, "webinar": Webinar},
    "sync": {
        "realtimekit": onstage.sync.RealtimeKit,
        "tpstreams": onstage.sync.TPStreams,
        "webinar": onstage.sync.Webinar,
    },
}


def client_for(
    api: str,
    handler: Handler | None,
    flavour: Flavour = "async",
    *,
    http: httpx2.AsyncClient | httpx2.Client | None = None,
    **kw: Any,
) -> Any:
    """A client of ``api`` in ``flavour`` with the test credentials and ids (``kw`` overrides them),
    on ``MockTransport(handler)`` or on ``http``, a pool to share."""
    if http is None:
        assert handler is not None
        transport = httpx2.MockTransport(handler)
        http = (
            httpx2.AsyncClient(transport=transport)
            if flavour == "async"
            else httpx2.Client(transport=transport)
        )
    return _CLASSES[flavour][api](**{**_CREDENTIALS[api], "http_client": http, **kw})


@asynccontextmanager
async def opened(api: str, handler: Handler, flavour: Flavour, **kw: Any) -> AsyncIterator[Any]:
    """``client_for`` inside its ``async with`` / ``with``."""
    client = client_for(api, handler, flavour, **kw)
    if flavour == "async":
        async with client:
            yield client
    else:
        with client:
            yield client


async def resolved(result: Any) -> Any:
    """A call's outcome in either flavour: awaited, or its first page for a paginator."""
    if isinstance(result, AsyncPaginator):
        return await result.first_page()
    if isinstance(result, onstage.sync.SyncPaginator):
        return result.first_page()
    if inspect.isawaitable(result):
        return await result
    return result


async def every(iterable: Any) -> list[Any]:
    """Everything an async or a sync iterable (a paginator, its pages) yields."""
    if hasattr(iterable, "__aiter__"):
        return [item async for item in iterable]
    return list(iterable)
