"""Per-call overhead of onstage against raw ``httpx2.AsyncClient`` + ``json.loads`` on the same
``httpx2.MockTransport`` (so the network is out of the picture and only client-side CPU is compared).

    python benchmarks/bench_overhead.py [--rounds 41] [--calls 300]

Each round times a batch of raw calls and a batch of onstage calls back to back (alternating which
goes first), so both sides see the same machine load; the printed ratio is the median of the
per-round ratios, with the median time per call of each side, all measured in this one run.
Targets: <= 1.15x for one object (``rtk.meetings.get``), <= 1.4x for a 100-item page
(``rtk.meetings.list``).
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

from onstage import RealtimeKit

BASE = "https://api.cloudflare.com/client/v4/accounts/acc/realtime/kit/app"


def meeting(i: int) -> dict[str, Any]:
    return {
        "id": f"8f0c6b2e-1f3a-4c5d-9e7f-{i:012d}",
        "title": f"Standup {i}",
        "status": "ACTIVE",
        "created_at": "2026-11-01T10:00:00.000Z",
        "updated_at": "2026-11-01T10:05:00.000Z",
        "record_on_start": False,
        "live_stream_on_start": False,
        "persist_chat": False,
        "summarize_on_end": False,
        "session_keep_alive_time_in_secs": 60,
    }


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

    pairs = {"single object": (raw_get, sdk_get, calls, 1.15), "100-item page": (raw_list, sdk_list, 0, 1.40)}
    for raw_fn, sdk_fn, *_ in pairs.values():  # warm up
        await timeit(raw_fn, 50)
        await timeit(sdk_fn, 50)
    for label, (raw_fn, sdk_fn, n, target) in pairs.items():
        n = n or max(calls // 10, 20)
        raw_t: list[float] = []
        sdk_t: list[float] = []
        for i in range(rounds):
            if i % 2:
                sdk_t.append(await timeit(sdk_fn, n))
                raw_t.append(await timeit(raw_fn, n))
            else:
                raw_t.append(await timeit(raw_fn, n))
                sdk_t.append(await timeit(sdk_fn, n))
        ratio = statistics.median(s / r for s, r in zip(sdk_t, raw_t, strict=True))
        raw_us, sdk_us = statistics.median(raw_t) * 1e6, statistics.median(sdk_t) * 1e6
        print(
            f"{label}  raw httpx2+json.loads {raw_us:8.1f} us   onstage {sdk_us:8.1f} us   "
            f"ratio {ratio:.3f}x  (target <= {target:.2f}x)"
        )
    await raw.aclose()
    await rtk._http.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.calls))
