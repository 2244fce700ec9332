"""Per-call overhead of onstage against raw ``httpx2.AsyncClient`` + ``json.loads`` on the same
``httpx2.MockTransport`` (so the network is out of the picture and only client-side CPU is compared).

    python benchmarks/bench_overhead.py [--rounds 41] [--calls 300]

Each round times a batch of raw calls and a batch of onstage calls back to back (alternating which
goes first), so both sides see the same machine load; the printed ratio is the median of the
per-round ratios, with the median time per call of each side, all measured in this one run.
Targets: <= 1.15x for one object (``rtk.meetings.get``), <= 1.4x for a 100-item page
(``rtk.meetings.list``).

The synchronous client (``onstage.sync.RealtimeKit``) is measured the same way against raw
``httpx2.Client`` + ``json.loads`` (targets: <= 1.0x for one object, <= 1.1x for a 100-item page).

With the ``bench`` extra installed (``make bench`` does it), the official Cloudflare SDK
(``cloudflare.AsyncCloudflare``, on the old ``httpx`` 0.28) joins the same rounds on the same payloads
through ``httpx.MockTransport``, with raw ``httpx.AsyncClient`` + ``json.loads`` as its own baseline:
its rows print its ratio to raw old httpx and its cost relative to onstage. Each round runs the four
sides in a rotated order.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
from _throughput_server import meeting as meeting_object  # the same payload as bench_throughput

import onstage.sync
from onstage import RealtimeKit

try:  # the bench extra: the official SDK and the old httpx it runs on (a peer here, never in src/)
    import cloudflare
    import httpx  # noqa: TID251
except ImportError:  # pragma: no cover - without the bench extra the official SDK rows are skipped
    cloudflare = None  # type: ignore[assignment]
    httpx = None  # type: ignore[assignment]

BASE = "https://api.cloudflare.com/client/v4/accounts/acc/realtime/kit/app"


def meeting(i: int) -> dict[str, Any]:
    return meeting_object(f"8f0c6b2e-1f3a-4c5d-9e7f-{i:012d}", f"Standup {i}")


ONE = json.dumps({"success": True, "data": meeting(1)}).encode()
PAGE = json.dumps(
    {
        "success": True,
        "data": [meeting(i) for i in range(100)],
        "paging": {"total_count": 100, "start_offset": 0, "end_offset": 99},
    }
).encode()


def handler(request: httpx2.Request) -> httpx2.Response:
    body = PAGE if request.url.path.endswith("/meetings") else ONE
    return httpx2.Response(200, content=body, headers={"content-type": "application/json"})


def old_handler(request: Any) -> Any:
    body = PAGE if request.url.path.endswith("/meetings") else ONE
    return httpx.Response(200, content=body, headers={"content-type": "application/json"})


async def timeit(fn: Callable[[], Awaitable[Any]], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        await fn()
    return (time.perf_counter() - start) / calls


async def main(rounds: int, calls: int) -> None:
    raw = httpx2.AsyncClient(transport=httpx2.MockTransport(handler), headers={"Authorization": "Bearer t"})
    rtk = RealtimeKit(
        api_token="t",
        account_id="acc",
        app_id="app",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)),
    )

    async def raw_get() -> Any:
        r = await raw.get(f"{BASE}/meetings/m-1")
        return json.loads(r.content)["data"]

    async def raw_list() -> Any:
        r = await raw.get(f"{BASE}/meetings", params={"page_no": 1, "per_page": 100})
        return json.loads(r.content)["data"]

    async def sdk_get() -> Any:
        return await rtk.meetings.get("m-1")

    async def sdk_list() -> Any:
        return await rtk.meetings.list(per_page=100).first_page()

    # side name -> (single object fn, 100-item page fn)
    sides: dict[str, tuple[Callable[[], Awaitable[Any]], Callable[[], Awaitable[Any]]]] = {
        "raw": (raw_get, raw_list),
        "sdk": (sdk_get, sdk_list),
    }
    closers: list[Callable[[], Awaitable[Any]]] = [raw.aclose, rtk._http.aclose]
    if cloudflare is not None:
        old_raw = httpx.AsyncClient(
            transport=httpx.MockTransport(old_handler), headers={"Authorization": "Bearer t"}
        )
        cf = cloudflare.AsyncCloudflare(
            api_token="t",
            base_url="https://api.cloudflare.com/client/v4",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(old_handler)),
        )

        async def old_get() -> Any:
            r = await old_raw.get(f"{BASE}/meetings/m-1")
            return json.loads(r.content)["data"]

        async def old_list() -> Any:
            r = await old_raw.get(f"{BASE}/meetings", params={"page_no": 1, "per_page": 100})
            return json.loads(r.content)["data"]

        # cloudflare 5.9.0: get_meeting_by_id is GET /meetings/{id}; meetings.get(app_id) is the list
        async def cf_get() -> Any:
            return await cf.realtime_kit.meetings.get_meeting_by_id("m-1", account_id="acc", app_id="app")

        async def cf_list() -> Any:
            return await cf.realtime_kit.meetings.get("app", account_id="acc", page_no=1, per_page=100)

        sides["old"] = (old_get, old_list)
        sides["cf"] = (cf_get, cf_list)
        closers += [old_raw.aclose, cf.close]

    names = list(sides)
    for fns in sides.values():  # warm up
        for fn in fns:
            await timeit(fn, 50)
    targets = {"single object": (0, calls, 1.15), "100-item page": (1, 0, 1.40)}
    cf_rows: list[str] = []
    for label, (which, n, target) in targets.items():
        n = n or max(calls // 10, 20)
        times: dict[str, list[float]] = {name: [] for name in names}
        for i in range(rounds):
            k = i % len(names)  # rotate which side goes first
            for name in names[k:] + names[:k]:
                times[name].append(await timeit(sides[name][which], n))

        def ratio(a: str, b: str, times: dict[str, list[float]] = times) -> float:
            return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))

        us = {name: statistics.median(t) * 1e6 for name, t in times.items()}
        print(
            f"{label}  raw httpx2+json.loads {us['raw']:8.1f} us   onstage {us['sdk']:8.1f} us   "
            f"ratio {ratio('sdk', 'raw'):.3f}x  (target <= {target:.2f}x)"
        )
        if "cf" in times:
            cf_rows.append(
                f"{label}  raw httpx 0.28+json.loads {us['old']:8.1f} us   "
                f"official cloudflare SDK {us['cf']:8.1f} us   ratio {ratio('cf', 'old'):.3f}x   "
                f"{ratio('cf', 'sdk'):.2f}x onstage"
            )
    if cloudflare is None:
        print("official cloudflare SDK: n/a (install the bench extra: make bench)")
    else:
        print(f"official cloudflare SDK {cloudflare.__version__} on httpx {httpx.__version__}:")
        for row in cf_rows:
            print(row)
    for close in closers:
        await close()


def timeit_sync(fn: Callable[[], Any], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def main_sync(rounds: int, calls: int) -> None:
    """The synchronous client against raw ``httpx2.Client`` + ``json.loads``, interleaved rounds."""
    raw = httpx2.Client(transport=httpx2.MockTransport(handler), headers={"Authorization": "Bearer t"})
    rtk = onstage.sync.RealtimeKit(
        api_token="t",
        account_id="acc",
        app_id="app",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    sides: dict[str, tuple[Callable[[], Any], Callable[[], Any]]] = {
        "raw": (
            lambda: json.loads(raw.get(f"{BASE}/meetings/m-1").content)["data"],
            lambda: json.loads(raw.get(f"{BASE}/meetings", params={"page_no": 1, "per_page": 100}).content)[
                "data"
            ],
        ),
        "sdk": (
            lambda: rtk.meetings.get("m-1"),
            lambda: rtk.meetings.list(per_page=100).first_page(),
        ),
    }
    for fns in sides.values():  # warm up
        for fn in fns:
            timeit_sync(fn, 50)
    targets = {"single object": (0, calls, 1.0), "100-item page": (1, 0, 1.10)}
    for label, (which, n, target) in targets.items():
        n = n or max(calls // 10, 20)
        times: dict[str, list[float]] = {"raw": [], "sdk": []}
        for i in range(rounds):
            for name in ("raw", "sdk") if i % 2 == 0 else ("sdk", "raw"):
                times[name].append(timeit_sync(sides[name][which], n))
        ratio = statistics.median(x / y for x, y in zip(times["sdk"], times["raw"], strict=True))
        us = {name: statistics.median(t) * 1e6 for name, t in times.items()}
        print(
            f"sync {label}  raw httpx2.Client+json.loads {us['raw']:8.1f} us   onstage.sync "
            f"{us['sdk']:8.1f} us   ratio {ratio:.3f}x  (target <= {target:.2f}x)"
        )
    raw.close()
    rtk.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.calls))
    main_sync(args.rounds, args.calls)
