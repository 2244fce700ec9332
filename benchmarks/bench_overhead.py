"""Per-call overhead of onstage against raw ``httpx2.AsyncClient`` + ``json.loads`` on the same
``httpx2.MockTransport`` (so the network is out of the picture and only client-side CPU is compared).

    python benchmarks/bench_overhead.py [--rounds 41] [--calls 300]

Each round times a batch of calls of every side back to back, in a rotated order, so all sides see
the same machine load; a ratio is the median of the per-round ratios, printed with the median time
per call of each side, all measured in this one run. The sides: onstage's async client against raw
``httpx2.AsyncClient`` + ``json.loads``; the synchronous client (``onstage.sync``) against raw
``httpx2.Client`` + ``json.loads``; and, with the ``bench`` extra installed (``make bench`` does it),
the official Cloudflare SDK (``cloudflare.AsyncCloudflare``, on the old ``httpx`` 0.28, through
``httpx.MockTransport``) against raw ``httpx.AsyncClient`` + ``json.loads``, with its cost relative
to onstage. Targets, for both of onstage's flavours: <= 1.0x for one object (``rtk.meetings.get``),
<= 1.1x for a 100-item page (``rtk.meetings.list``); each row says whether it was met.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
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


#: case -> (which of a side's two calls, target ratio for onstage)
CASES = {"single object": (0, 1.0), "100-item page": (1, 1.10)}


@dataclass(frozen=True)
class Side:
    """One way of making the two calls (one object, one page): async functions or plain ones."""

    get: Callable[[], Any]
    page: Callable[[], Any]

    async def time(self, which: int, calls: int) -> float:
        """Seconds per call of a batch of ``calls``."""
        fn = (self.get, self.page)[which]
        start = time.perf_counter()
        if inspect.iscoroutinefunction(fn):
            for _ in range(calls):
                await fn()
        else:
            for _ in range(calls):
                fn()
        return (time.perf_counter() - start) / calls


def _raw_side(client: Any) -> Side:
    """Raw ``client.get`` + ``json.loads`` (async for an async client)."""
    page = {"page_no": 1, "per_page": 100}
    if isinstance(client, httpx2.Client) or (httpx is not None and isinstance(client, httpx.Client)):
        return Side(
            lambda: json.loads(client.get(f"{BASE}/meetings/m-1").content)["data"],
            lambda: json.loads(client.get(f"{BASE}/meetings", params=page).content)["data"],
        )

    async def get() -> Any:
        return json.loads((await client.get(f"{BASE}/meetings/m-1")).content)["data"]

    async def list_() -> Any:
        return json.loads((await client.get(f"{BASE}/meetings", params=page)).content)["data"]

    return Side(get, list_)


async def main(rounds: int, calls: int) -> None:
    async_http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    sync_http = httpx2.Client(transport=httpx2.MockTransport(handler))
    auth = {"Authorization": "Bearer t"}
    ids = {"api_token": "t", "account_id": "acc", "app_id": "app"}
    async with (
        httpx2.AsyncClient(transport=httpx2.MockTransport(handler), headers=auth) as raw,
        RealtimeKit(**ids, http_client=async_http) as rtk,
    ):
        with (
            httpx2.Client(transport=httpx2.MockTransport(handler), headers=auth) as raw_sync,
            onstage.sync.RealtimeKit(**ids, http_client=sync_http) as rtk_sync,
        ):

            async def sdk_get() -> Any:
                return await rtk.meetings.get("m-1")

            async def sdk_list() -> Any:
                return await rtk.meetings.list(per_page=100).first_page()

            sides = {
                "raw": _raw_side(raw),
                "sdk": Side(sdk_get, sdk_list),
                "raw sync": _raw_side(raw_sync),
                "sdk sync": Side(
                    lambda: rtk_sync.meetings.get("m-1"),
                    lambda: rtk_sync.meetings.list(per_page=100).first_page(),
                ),
            }
            if cloudflare is None:
                await report(sides, rounds, calls)
                print("official cloudflare SDK: n/a (install the bench extra: make bench)")
                return
            async with (
                httpx.AsyncClient(transport=httpx.MockTransport(old_handler), headers=auth) as old_raw,
                cloudflare.AsyncCloudflare(
                    api_token="t",
                    base_url="https://api.cloudflare.com/client/v4",
                    http_client=httpx.AsyncClient(transport=httpx.MockTransport(old_handler)),
                ) as cf,
            ):
                # cloudflare 5.9.0: get_meeting_by_id is GET /meetings/{id}; meetings.get(app_id) lists
                async def cf_get() -> Any:
                    return await cf.realtime_kit.meetings.get_meeting_by_id(
                        "m-1", account_id="acc", app_id="app"
                    )

                async def cf_list() -> Any:
                    return await cf.realtime_kit.meetings.get(
                        "app", account_id="acc", page_no=1, per_page=100
                    )

                sides |= {"old": _raw_side(old_raw), "cf": Side(cf_get, cf_list)}
                await report(sides, rounds, calls)


async def report(sides: dict[str, Side], rounds: int, calls: int) -> None:
    """Warm up, measure every case in interleaved rounds, print a row per comparison."""
    names = list(sides)
    for side in sides.values():
        for which in (0, 1):
            await side.time(which, 50)
    rows: dict[str, list[str]] = {"async": [], "sync": [], "cf": []}
    for label, (which, target) in CASES.items():
        n = calls if which == 0 else max(calls // 10, 20)
        times: dict[str, list[float]] = {name: [] for name in names}
        for i in range(rounds):
            k = i % len(names)  # rotate which side goes first
            for name in names[k:] + names[:k]:
                times[name].append(await sides[name].time(which, n))

        def ratio(a: str, b: str, times: dict[str, list[float]] = times) -> float:
            return statistics.median(x / y for x, y in zip(times[a], times[b], strict=True))

        def verdict(value: float, target: float = target) -> str:
            return f"(target <= {target:.2f}x: {'met' if value <= target else 'MISSED'})"

        us = {name: statistics.median(t) * 1e6 for name, t in times.items()}
        r, rs = ratio("sdk", "raw"), ratio("sdk sync", "raw sync")
        rows["async"].append(
            f"{label}  raw httpx2+json.loads {us['raw']:8.1f} us   onstage {us['sdk']:8.1f} us   "
            f"ratio {r:.3f}x  {verdict(r)}"
        )
        rows["sync"].append(
            f"sync {label}  raw httpx2.Client+json.loads {us['raw sync']:8.1f} us   onstage.sync "
            f"{us['sdk sync']:8.1f} us   ratio {rs:.3f}x  {verdict(rs)}"
        )
        if "cf" in times:
            rows["cf"].append(
                f"{label}  raw httpx 0.28+json.loads {us['old']:8.1f} us   "
                f"official cloudflare SDK {us['cf']:8.1f} us   ratio {ratio('cf', 'old'):.3f}x   "
                f"{ratio('cf', 'sdk'):.2f}x onstage"
            )
    print(*rows["async"], *rows["sync"], sep="\n")
    if rows["cf"]:
        print(f"official cloudflare SDK {cloudflare.__version__} on httpx {httpx.__version__}:")
        print(*rows["cf"], sep="\n")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=41)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.calls))
