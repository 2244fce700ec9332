"""``with_raw_response`` is a typed wrapper over each generated method, not a second copy: every
resource's raw methods are exactly its generated methods with the same parameters, and what a method
does before sending (the datetime conversion of TP Streams' ``start``) happens on both paths. The
raw mark stays with the one call it was made for."""

from __future__ import annotations

import datetime
import inspect
import json
from collections.abc import Iterator
from typing import Any

import anyio
import httpx2
import pytest

import onstage
from onstage import APIResponse, AsyncPaginator

from .helpers import Recorder, meeting, ok, rtk, tp, wb

pytestmark = pytest.mark.anyio


def _resources(obj: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every resource object under a client (``rtk.meetings``, ``rtk.meetings.participants``…)."""
    for name in sorted(dir(type(obj))):
        if name.startswith("_") or name == "with_raw_response":
            continue
        value = getattr(obj, name)
        if hasattr(value, "with_raw_response"):
            yield f"{path}.{name}", value
            yield from _resources(value, f"{path}.{name}")


def _generated_methods(resource: Any) -> set[str]:
    """The methods the generated class defines (a hand-written subclass's extras are not raw)."""
    generated = next(c for c in type(resource).__mro__ if c.__module__.startswith("onstage._generated."))
    return {n for n, v in vars(generated).items() if not n.startswith("_") and inspect.isfunction(v)}


def test_every_raw_method_wraps_its_resource_method() -> None:
    checked = 0
    handler = Recorder(httpx2.Response(200))
    for client in (rtk(handler), tp(handler), wb(handler)):
        for path, resource in _resources(client, type(client).__name__):
            raw = resource.with_raw_response
            methods = _generated_methods(resource)
            assert methods, path
            assert {n for n in vars(raw) if not n.startswith("_")} == methods, path
            for name in methods:
                wrapper, method = getattr(raw, name), getattr(resource, name)
                assert wrapper.__wrapped__ == method, f"{path}.{name}"
                assert inspect.signature(wrapper).parameters == inspect.signature(method).parameters
                checked += 1
    assert checked > 120  # every operation of the three APIs, variants and aliases included


async def test_raw_create_converts_start_like_create() -> None:
    asset = {"id": "a1", "title": "Class", "type": "livestream", "live_stream": {"status": "Not Started"}}
    rec = Recorder(httpx2.Response(201, json=asset))
    async with tp(rec) as client:
        response = await client.live_streams.with_raw_response.create(
            title="Class", start=datetime.datetime(2026, 12, 1, 15, 30)
        )
        assert isinstance(response, APIResponse) and response.status_code == 201
        assert response.parsed.id == "a1"
        plain = await client.live_streams.create(title="Class", start=datetime.datetime(2026, 12, 1, 15, 30))
        assert plain.id == "a1"
        with pytest.raises(onstage.InvalidArgumentError, match="start must be a naive datetime"):
            await client.live_streams.with_raw_response.create(
                title="x", start=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
            )
    bodies = [json.loads(r.content) for r in rec.requests]
    assert bodies == [{"title": "Class", "start": "2026-12-01 15:30:00"}] * 2  # the aware one never left


async def test_raw_mark_belongs_to_one_call() -> None:
    rec = Recorder(lambda request: ok(meeting(request.url.path.rsplit("/", 1)[-1])))
    inner: list[Any] = []
    clients: list[onstage.RealtimeKit] = []

    async def hook(request: httpx2.Request) -> None:
        if request.url.path.endswith("/outer"):  # a call made from inside a raw call is not raw
            inner.append(await clients[0].meetings.get("inner"))

    async with rtk(rec, on_request=[hook]) as client:
        clients.append(client)
        outer = await client.meetings.with_raw_response.get("outer")
        assert isinstance(outer, APIResponse) and outer.parsed.id == "m-outer"
        assert [type(m).__name__ for m in inner] == ["Meeting"]

        # concurrent raw and plain calls each get their own shape
        got: dict[str, Any] = {}

        async def call(key: str, raw: bool) -> None:
            meetings = client.meetings.with_raw_response if raw else client.meetings
            got[key] = await meetings.get(key)

        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(call, f"r{i}", True)
                tg.start_soon(call, f"p{i}", False)
        assert all(isinstance(v, APIResponse) == k.startswith("r") for k, v in got.items())

        # a raw call that fails leaves no mark behind
        with pytest.raises(onstage.InvalidArgumentError):
            await client.meetings.with_raw_response.get("../escape")
        assert type(await client.meetings.get("after")).__name__ == "Meeting"


async def test_raw_list_is_the_first_page_and_plain_list_a_paginator() -> None:
    rec = Recorder(
        ok([meeting(1), meeting(2)], paging={"total_count": 2, "start_offset": 0, "end_offset": 1})
    )
    async with rtk(rec) as client:
        assert isinstance(client.meetings.list(), AsyncPaginator)
        first = await client.meetings.with_raw_response.list(per_page=2)
        assert isinstance(first, APIResponse)
        assert [m.id for m in first.parsed] == ["m-1", "m-2"]
    assert rec.requests[0].url.params["per_page"] == "2"
