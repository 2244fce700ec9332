"""A caller's own ``http_client`` keeps working as configured: when it has auth, event hooks,
cookies, proxy mounts or redirect following, onstage sends through it; when it has none of these,
onstage hands the request to its transport itself (what ``send`` would do, at a tenth of a call's
cost) — decided on every call, so configuring the client later still counts. Both flavours."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from tests.facade.helpers import FLAVOURS, Flavour, client_for, meeting, ok, resolved

pytestmark = pytest.mark.anyio


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> Flavour:
    return request.param  # type: ignore[no-any-return]


def _handler(seen: list[httpx2.Request]) -> Any:
    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if request.url.path.endswith("/moved"):
            return httpx2.Response(302, headers={"location": str(request.url).replace("/moved", "/m-2")})
        return ok(meeting(request.url.path.rsplit("-", 1)[-1]))

    return handler


async def _hook_async(request: httpx2.Request) -> None:
    request.headers["x-hooked"] = "async"


def _hook_sync(request: httpx2.Request) -> None:
    request.headers["x-hooked"] = "sync"


async def test_a_plain_client_is_driven_at_its_transport(flavour: Flavour) -> None:
    seen: list[httpx2.Request] = []
    rtk = client_for("realtimekit", _handler(seen), flavour)
    raw = await resolved(rtk.meetings.with_raw_response.get("m-1"))
    assert raw.parsed.id == "m-1" and raw.http_response.request is seen[0]
    assert raw.elapsed.total_seconds() >= 0  # measured by onstage on this path


@pytest.mark.parametrize("setting", ["event hook", "auth", "cookie", "redirects"])
async def test_what_the_callers_client_does_per_request_still_happens(flavour: Flavour, setting: str) -> None:
    seen: list[httpx2.Request] = []
    rtk = client_for("realtimekit", _handler(seen), flavour)
    http = rtk._http
    await resolved(rtk.meetings.get("m-1"))  # plain at first
    # configured after the onstage client was built: counts from the next call on
    if setting == "event hook":
        http.event_hooks = {"request": [_hook_sync if flavour == "sync" else _hook_async]}
    elif setting == "auth":
        http.auth = ("user", "pass")
    elif setting == "cookie":
        http.cookies.set("session", "abc")
    else:
        http.follow_redirects = True
    got = await resolved(rtk.meetings.get("moved" if setting == "redirects" else "m-1"))
    first, second = seen[:2]
    if setting == "event hook":
        assert "x-hooked" not in first.headers and second.headers["x-hooked"] == flavour
    elif setting == "auth":
        # the client's auth flow ran (it sets Authorization over onstage's token header)
        assert second.headers["authorization"].startswith("Basic ")
    elif setting == "cookie":
        assert "cookie" not in first.headers and second.headers["cookie"] == "session=abc"
    else:  # the client followed the redirect (driven at its transport, the 302 would be an error)
        assert got.id == "m-2" and [r.url.path.rsplit("/", 1)[-1] for r in seen[1:]] == ["moved", "m-2"]
