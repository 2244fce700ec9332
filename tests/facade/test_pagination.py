"""The paginators (``AsyncPaginator`` and ``SyncPaginator``) for the three styles, and that they always
terminate."""

from __future__ import annotations

import httpx2
import pytest

import onstage

from .helpers import Flavour, Recorder, every, meeting, opened, resolved

pytestmark = pytest.mark.anyio


def rtk_page(request: httpx2.Request, total: int = 5) -> httpx2.Response:
    page = int(request.url.params.get("page_no", 1))
    per = int(request.url.params.get("per_page", 2))
    items = [meeting(i) for i in range((page - 1) * per, min(page * per, total))]
    return httpx2.Response(
        200,
        json={
            "success": True,
            "data": items,
            "paging": {"total_count": total, "start_offset": 0, "end_offset": 0},
        },
    )


async def test_page_no_follows_total_count(flavour: Flavour) -> None:
    rec = Recorder(rtk_page)
    async with opened("realtimekit", rec, flavour) as client:
        items = [m.id for m in await every(client.meetings.list(per_page=2, search="x"))]
    assert items == [f"m-{i}" for i in range(5)]
    assert [r.url.params["page_no"] for r in rec.requests] == ["1", "2", "3"]
    assert all(r.url.params["search"] == "x" for r in rec.requests)


async def test_first_page_and_pages(flavour: Flavour) -> None:
    rec = Recorder(rtk_page)
    async with opened("realtimekit", rec, flavour) as client:
        first = await resolved(client.meetings.list(per_page=2).first_page())
        pages = [len(p) for p in await every(client.meetings.list(per_page=2).pages())]
    assert first.total == 5 and [m.id for m in first.items] == ["m-0", "m-1"]
    assert first.response.status_code == 200
    assert pages == [2, 2, 1]


async def test_server_ignoring_page_no_raises_instead_of_looping(flavour: Flavour) -> None:
    rec = Recorder(
        lambda r: httpx2.Response(
            200, json={"success": True, "data": [meeting(1), meeting(2)], "paging": {"total_count": 100}}
        )
    )
    async with opened("realtimekit", rec, flavour) as client:
        with pytest.raises(onstage.PaginationError, match="repeated"):
            await resolved(client.meetings.list(per_page=2).to_list())
    assert len(rec.requests) == 2


async def test_stuck_page_with_volatile_fields_is_still_a_repeat(flavour: Flavour) -> None:
    # A stuck server can still change counters or signed URLs on every answer: ids decide.
    calls = iter(range(100))

    def stuck(request: httpx2.Request) -> httpx2.Response:
        n = next(calls)
        items = [meeting(1, live_participants=n), meeting(2, live_participants=n)]
        return httpx2.Response(200, json={"success": True, "data": items, "paging": {"total_count": 100}})

    rec = Recorder(stuck)
    async with opened("realtimekit", rec, flavour) as client:
        with pytest.raises(onstage.PaginationError, match="repeated"):
            await resolved(client.meetings.list(per_page=2).to_list())
    assert len(rec.requests) == 2


async def test_empty_page_before_total_is_an_error(flavour: Flavour) -> None:
    rec = Recorder(
        httpx2.Response(200, json={"success": True, "data": [meeting(1)], "paging": {"total_count": 3}}),
        httpx2.Response(200, json={"success": True, "data": [], "paging": {"total_count": 3}}),
    )
    async with opened("realtimekit", rec, flavour) as client:
        with pytest.raises(onstage.PaginationError, match="empty"):
            await resolved(client.meetings.list().to_list())


async def test_without_total_stops_on_short_page(flavour: Flavour) -> None:
    rec = Recorder(
        httpx2.Response(200, json={"success": True, "data": [meeting(1), meeting(2)]}),
        httpx2.Response(200, json={"success": True, "data": [meeting(3)]}),
    )
    async with opened("realtimekit", rec, flavour) as client:
        assert len(await resolved(client.meetings.list(per_page=2).to_list())) == 3
    assert len(rec.requests) == 2


def asset(i: int) -> dict[str, object]:
    return {"id": f"a{i}", "title": f"A{i}", "type": "video"}


async def test_next_links_use_only_their_query(flavour: Flavour) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        offset = int(request.url.params.get("offset", 0))
        nxt = (
            None
            if offset >= 4
            else f"https://elsewhere.example/api/v1/org1/assets/?limit=2&offset={offset + 2}"
        )
        return httpx2.Response(
            200,
            json={"count": 6, "next": nxt, "previous": None, "results": [asset(offset), asset(offset + 1)]},
        )

    rec = Recorder(handler)
    async with opened("tpstreams", rec, flavour) as client:
        ids = [a.id for a in await every(client.assets.list(parent="f1"))]
    assert ids == ["a0", "a1", "a2", "a3", "a4", "a5"]
    assert {r.url.host for r in rec.requests} == {"app.tpstreams.com"}
    assert all(r.url.path == "/api/v1/org1/assets/" for r in rec.requests)
    assert rec.requests[2].url.params["offset"] == "4" and rec.requests[2].url.params["parent"] == "f1"


async def test_repeated_next_link_is_an_error(flavour: Flavour) -> None:
    body = {
        "count": 99,
        "next": "https://app.tpstreams.com/api/v1/org1/assets/?offset=2",
        "results": [asset(1)],
    }
    rec = Recorder(httpx2.Response(200, json=body))
    async with opened("tpstreams", rec, flavour) as client:
        with pytest.raises(onstage.PaginationError, match="no progress"):
            await resolved(client.assets.list().to_list())


def room(i: int) -> dict[str, object]:
    return {"id": f"r{i}", "title": f"Room {i}"}


async def test_webinar_page_and_limit(flavour: Flavour) -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        page = int(request.url.params.get("page", 1))
        rooms = [room(i) for i in range((page - 1) * 2, min(page * 2, 3))]
        return httpx2.Response(
            200,
            json={
                "success": True,
                "timestamp": 1,
                "data": {"rooms": rooms, "total": 3, "page": page, "limit": 2},
            },
        )

    rec = Recorder(handler)
    async with opened("webinar", rec, flavour) as client:
        ids = [r.id for r in await every(client.rooms.list(limit=2))]
    assert ids == ["r0", "r1", "r2"] and len(rec.requests) == 2


async def test_single_page_lists(flavour: Flavour) -> None:
    hook = {
        "id": "w1",
        "name": "n",
        "url": "https://x.test/h",
        "events": ["meeting.started"],
        "enabled": True,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    rec = Recorder(httpx2.Response(200, json={"success": True, "data": [hook]}))
    async with opened("realtimekit", rec, flavour) as client:
        hooks = await resolved(client.webhooks.list().to_list())
    assert [h.id for h in hooks] == ["w1"] and len(rec.requests) == 1
