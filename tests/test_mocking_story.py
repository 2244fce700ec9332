"""The README's three ways to mock onstage in a user's tests, run as written: httpx2.MockTransport,
pytest-httpx2 (respx over httpcore2, which also catches onstage's own pool) and the sandbox."""

from __future__ import annotations

import httpx2
import pytest
import respx

import onstage
from onstage.testing import Sandbox

pytestmark = pytest.mark.anyio

MEETING = {
    "id": "m1",
    "title": "Standup",
    "created_at": "2026-01-05T10:00:00Z",
    "updated_at": "2026-01-05T10:00:00Z",
}
URL = "https://api.cloudflare.com/client/v4/accounts/a/realtime/kit/b/meetings/m1"


async def test_mock_transport() -> None:
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(str(request.url))
        return httpx2.Response(200, json={"success": True, "data": MEETING})

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    async with onstage.RealtimeKit(
        api_token="t0ken-for-tests", account_id="a", app_id="b", http_client=http
    ) as rtk:
        assert (await rtk.meetings.get("m1")).title == "Standup"
    assert seen == [URL]
    await http.aclose()


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
async def test_pytest_httpx2_catches_onstage_own_pool(httpx2_mock: respx.Router) -> None:
    route = httpx2_mock.get(URL).respond(json={"success": True, "data": MEETING})
    async with onstage.RealtimeKit(api_token="t0ken-for-tests", account_id="a", app_id="b") as rtk:
        assert (await rtk.meetings.get("m1")).title == "Standup"
    assert route.call_count == 1


async def test_sandbox() -> None:
    async with Sandbox() as sb:
        rtk = sb.realtimekit()
        created = await rtk.meetings.create(title="Standup")
        assert (await rtk.meetings.get(created.id)).title == "Standup"
