"""An async client belongs to the event loop of its first call: reusing it from another loop (a
module-level client across two ``asyncio.run()``) raises a ``ConfigurationError`` that points to the
sync client, instead of ``RuntimeError: Event loop is closed`` from inside the HTTP library."""

from __future__ import annotations

import asyncio

import httpx2
import pytest

import onstage
from tests.facade.helpers import meeting


def _call(client: onstage.RealtimeKit) -> str:
    async def main() -> str:
        try:
            await client.meetings.get("m1")
        except onstage.OnstageError as exc:
            return type(exc).__name__
        return "ok"

    return asyncio.run(main())


def test_a_second_event_loop_is_refused_with_a_pointer_to_the_sync_client() -> None:
    # port 9 (discard) on loopback: refused at once, no server needed
    rtk = onstage.RealtimeKit(
        account_id="a", app_id="b", api_token="t", base_url="http://127.0.0.1:9", max_retries=0
    )
    assert _call(rtk) == "APIConnectionError"  # bound to the first loop
    with pytest.raises(onstage.ConfigurationError, match=r"another event loop.*onstage\.sync\.RealtimeKit"):
        asyncio.run(rtk.meetings.get("m1"))
    copy = rtk.with_options(timeout=5)  # a copy shares the pool, and so the loop
    with pytest.raises(onstage.ConfigurationError, match="another event loop"):
        asyncio.run(copy.meetings.get("m1"))


def test_the_same_loop_and_a_callers_own_http_client_are_not_refused() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"success": True, "data": meeting("1")})

    own = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    rtk = onstage.RealtimeKit(account_id="a", app_id="b", api_token="t", http_client=own)
    assert _call(rtk) == "ok"
    assert _call(rtk) == "ok"  # another loop: the caller's own pool is the caller's to manage

    async def twice() -> None:
        owned = onstage.RealtimeKit(
            account_id="a", app_id="b", api_token="t", base_url="http://127.0.0.1:9", max_retries=0
        )
        for _ in range(2):
            with pytest.raises(onstage.APIConnectionError):
                await owned.meetings.get("m1")
        await owned.aclose()

    asyncio.run(twice())
