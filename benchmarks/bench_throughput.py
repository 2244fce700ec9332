"""Loopback throughput of ``rtk.meetings.get`` against raw HTTP clients, over real sockets.

    python benchmarks/bench_throughput.py [--requests 2000] [--rounds 5]

Starts one uvicorn server on 127.0.0.1 (a free port, ``--workers 1``, no access log, h11 unless
httptools is installed, the asyncio loop unless uvloop is installed) serving a RealtimeKit envelope
from a raw ASGI app (``_throughput_server.py``), then for every row below sends N GETs at concurrency
10 and at concurrency 50 (c worker tasks draining a shared counter), timing wall clock and this
process's CPU (``time.process_time``: the server is another process, so this is client CPU only).

Rows: the old ``httpx`` 0.28 (the baseline, when importable: the bench extra brings it via the
official Cloudflare SDK), raw ``httpx2``, onstage on its default httpx2 backend, raw ``aiohttp`` and
onstage with ``http_backend="aiohttp"``. The raw clients parse with ``json.loads``; onstage returns its
``Meeting`` model. Every client gets a 100-connection pool (httpx: ``Limits(100, 100)``, aiohttp:
``TCPConnector(limit=100)``) and the same bearer header.

Rounds are interleaved: each round runs every row once, with a fresh client warmed up before it is
timed; each onstage row runs right next to its raw peer (order within a pair alternating, order of
the groups rotating), so machine drift hits the compared rows alike. Requests/s and CPU are the
median over rounds; the ratios are the median of the per-round ratios. Targets at c=50: onstage default
/ raw httpx2 >= 0.95, onstage aiohttp / raw aiohttp >= 0.70.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx2

import onstage

try:  # the old httpx: the 1.00 baseline of the table (a peer here, never imported by src/)
    import httpx  # noqa: TID251
except ImportError:  # pragma: no cover - without the bench extra the baseline row is skipped
    httpx = None  # type: ignore[assignment]

HERE = Path(__file__).resolve().parent
MEETING_ID = "8f0c6b2e-1f3a-4c5d-9e7f-000000000001"
TOKEN = "bench-token-123456"
CONCURRENCY = (10, 50)
WARMUP = 100  # requests at c=50 before timing, so each pool holds its connections
POOL = 100

Call = Callable[[], Awaitable[Any]]
Close = Callable[[], Awaitable[Any]]
Factory = Callable[[str], tuple[Call, Close]]


class Unavailable(Exception):
    """A row whose client cannot be built here (an option this onstage does not have yet)."""


# -- the server -------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_settings() -> tuple[str, str]:
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return http, loop


def start_server(port: int, log: Any) -> subprocess.Popen[bytes]:
    http, loop = server_settings()
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(HERE),
        "_throughput_server:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
        "--http",
        http,
        "--loop",
        loop,
    ]
    proc = subprocess.Popen(cmd, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"uvicorn exited with {proc.returncode}:\n{log.read().decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.05)
    stop_server(proc)
    raise RuntimeError("uvicorn did not start listening within 30 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def server_cpu(pid: int) -> float | None:
    """User+system CPU seconds of the server process (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- the clients ------------------------------------------------------------------------------------
def raw_httpx_like(lib: Any) -> Callable[[str], tuple[Call, Close]]:
    """Raw ``AsyncClient().get`` + ``json.loads`` on ``lib`` (the old httpx or httpx2: same API)."""

    def make(base: str) -> tuple[Call, Close]:
        client = lib.AsyncClient(
            limits=lib.Limits(max_connections=POOL, max_keepalive_connections=POOL),
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        url = f"{base}/accounts/acc/realtime/kit/app/meetings/{MEETING_ID}"

        async def call() -> Any:
            r = await client.get(url)
            return json.loads(r.content)["data"]

        return call, client.aclose

    return make


old_httpx = raw_httpx_like(httpx)
raw_httpx2 = raw_httpx_like(httpx2)


def raw_aiohttp(base: str) -> tuple[Call, Close]:
    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=POOL), headers={"Authorization": f"Bearer {TOKEN}"}
    )
    url = f"{base}/accounts/acc/realtime/kit/app/meetings/{MEETING_ID}"

    async def call() -> Any:
        async with session.get(url) as r:
            return json.loads(await r.read())["data"]

    return call, session.close


NOTES: list[str] = []
LOAD: list[float] = []  # 1-minute load average before and after the runs (the machine is shared)


def rtk_kwargs(base: str) -> dict[str, Any]:
    return {"api_token": TOKEN, "account_id": "acc", "app_id": "app", "base_url": base}


def note_once(note: str) -> None:
    if note not in NOTES:
        NOTES.append(note)


def make_rtk(base: str, **extra: Any) -> onstage.RealtimeKit:
    """``RealtimeKit`` with a 100-connection pool; without ``limits=`` (not in this onstage yet) it
    falls back to onstage's default pool and says so. Any other failure marks the row unavailable."""
    limits = httpx2.Limits(max_connections=POOL, max_keepalive_connections=POOL)
    try:
        try:
            return onstage.RealtimeKit(**rtk_kwargs(base), limits=limits, **extra)
        except TypeError as exc:
            if "'limits'" not in str(exc):
                raise
        rtk = onstage.RealtimeKit(**rtk_kwargs(base), **extra)
    except TypeError as exc:
        raise Unavailable("not available") from exc
    except Exception as exc:
        raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
    note_once("RealtimeKit(limits=) not available yet: the onstage rows ran with onstage's default pool")
    return rtk


def onstage_default(base: str) -> tuple[Call, Close]:
    rtk = make_rtk(base)

    async def call() -> Any:
        return await rtk.meetings.get(MEETING_ID)

    return call, rtk.aclose


def onstage_aiohttp(base: str) -> tuple[Call, Close]:
    rtk = make_rtk(base, http_backend="aiohttp")

    async def call() -> Any:
        return await rtk.meetings.get(MEETING_ID)

    return call, rtk.aclose


@dataclass
class Row:
    label: str
    factory: Factory
    rps: dict[int, list[float]] = field(default_factory=lambda: {c: [] for c in CONCURRENCY})
    cpu_us: dict[int, list[float]] = field(default_factory=lambda: {c: [] for c in CONCURRENCY})
    srv_pct: dict[int, list[float]] = field(default_factory=lambda: {c: [] for c in CONCURRENCY})
    unavailable: str | None = None  # why the row could not run


# -- the load ---------------------------------------------------------------------------------------
async def drive(call: Call, n: int, c: int) -> None:
    remaining = n

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    async with asyncio.TaskGroup() as tg:
        for _ in range(c):
            tg.create_task(worker())


async def run_row(row: Row, base: str, n: int, server_pid: int) -> None:
    try:
        call, close = row.factory(base)
    except Unavailable as exc:
        row.unavailable = str(exc)
        return
    try:
        await drive(call, WARMUP, max(CONCURRENCY))
        for c in CONCURRENCY:
            srv0 = server_cpu(server_pid)
            cpu0, t0 = time.process_time(), time.perf_counter()
            await drive(call, n, c)
            wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
            srv1 = server_cpu(server_pid)
            row.rps[c].append(n / wall)
            row.cpu_us[c].append(cpu / n * 1e6)
            if srv0 is not None and srv1 is not None:
                row.srv_pct[c].append((srv1 - srv0) / wall * 100)
    finally:
        await close()


def per_round_ratio(row: Row, base: Row, c: int) -> float:
    return statistics.median(a / b for a, b in zip(row.rps[c], base.rps[c], strict=True))


async def bench(port: int, n: int, rounds: int, server_pid: int) -> list[Row]:
    base = f"http://127.0.0.1:{port}/client/v4"
    raw2, rtk2 = Row("raw httpx2", raw_httpx2), Row("onstage default (httpx2)", onstage_default)
    raw_aio, rtk_aio = Row("raw aiohttp", raw_aiohttp), Row('onstage http_backend="aiohttp"', onstage_aiohttp)
    # Each onstage row runs right next to the raw client it is compared with, so the pairs the
    # targets pin see the same machine load; the group order rotates and the pair order alternates.
    groups = [[raw2, rtk2], [raw_aio, rtk_aio]]
    if httpx is not None:
        groups.insert(0, [Row("httpx 0.28 (baseline)", old_httpx)])
    for i in range(rounds):
        k = i % len(groups)
        for group in groups[k:] + groups[:k]:
            for row in group[::-1] if i % 2 else group:
                if not row.unavailable:
                    await run_row(row, base, n, server_pid)
    return [row for group in groups for row in group]


def report(rows: list[Row], n: int, rounds: int) -> None:
    by_label = {row.label: row for row in rows}
    base = rows[0]
    http, loop = server_settings()
    print(
        f"loopback uvicorn ({http}, {loop} loop, 1 worker), N={n} GETs per run, {rounds} interleaved "
        f"rounds, medians; ratios vs {base.label}; load average {LOAD[0]:.2f} before, {LOAD[1]:.2f} after"
    )
    head = (
        f"{'client':<32} {'c=10 req/s':>11} {'ratio':>7} {'c=50 req/s':>11} {'ratio':>7} "
        f"{'CPU us/req c=50':>16} {'server CPU c=50':>16}"
    )
    print(head)
    print("-" * len(head))
    for row in rows:
        if row.unavailable:
            print(f"{row.label:<32} n/a ({row.unavailable})")
            continue
        cells = [f"{row.label:<32}"]
        for c in CONCURRENCY:
            cells.append(f"{statistics.median(row.rps[c]):11.0f}")
            cells.append(f"{per_round_ratio(row, base, c):6.2f}x")
        cells.append(f"{statistics.median(row.cpu_us[50]):16.0f}")
        srv = f"{statistics.median(row.srv_pct[50]):.0f}% of a core" if row.srv_pct[50] else "n/a"
        cells.append(f"{srv:>16}")
        print(" ".join(cells))
        if row.srv_pct[50] and statistics.median(row.srv_pct[50]) >= 90:
            note_once(
                f"{row.label} saturates the server at c=50: its req/s (and ratios to it) are server-bound"
            )
    print()
    targets = [
        ("onstage default / raw httpx2", "onstage default (httpx2)", "raw httpx2", 0.95),
        ("onstage aiohttp / raw aiohttp", 'onstage http_backend="aiohttp"', "raw aiohttp", 0.70),
    ]
    for text, num, den, target in targets:
        a, b = by_label[num], by_label[den]
        if a.unavailable or b.unavailable:
            print(f"{text} at c=50 = n/a ({a.unavailable or b.unavailable}) (target >= {target:.2f})")
            continue
        value = per_round_ratio(a, b, 50)
        verdict = "ok" if value >= target else "BELOW TARGET"
        cpu_a, cpu_b = statistics.median(a.cpu_us[50]), statistics.median(b.cpu_us[50])
        print(
            f"{text} at c=50 = {value:.2f} (target >= {target:.2f}) {verdict}   "
            f"[client CPU/request {cpu_a:.0f} vs {cpu_b:.0f} us = {cpu_a / cpu_b:.2f}x]"
        )
    for note in NOTES:
        print(f"note: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="GETs per timed run (N)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    LOAD.append(os.getloadavg()[0])
    with tempfile.TemporaryFile() as log:
        proc = start_server(port, log)
        try:
            rows = asyncio.run(bench(port, args.requests, args.rounds, proc.pid))
        finally:
            stop_server(proc)
    LOAD.append(os.getloadavg()[0])
    report(rows, args.requests, args.rounds)


if __name__ == "__main__":
    main()
