"""Start-up cost of onstage against the HTTP library's own import, each in a fresh process.

    python benchmarks/bench_import.py [--rounds 9]

Three commands run in turn, once per round (rotating which goes first), each a new interpreter
with compiled bytecode (an unmeasured first round writes it, the Makefile's
``PYTHONDONTWRITEBYTECODE`` lifted for the children): ``import httpx2`` (the yardstick),
``import onstage``, and
``import onstage`` + building a ``RealtimeKit`` + one ``meetings.get`` on ``httpx2.MockTransport``.
Wall time of the whole process (``time.perf_counter`` around ``subprocess.run``); the printed ratio
is the median of the per-round ratios to ``import httpx2`` in the same round.
Targets: ``import onstage`` <= 1.5x, first call <= 2.5x. ``--modules`` lists what ``import onstage``
loads from onstage itself, to check that no API's models load eagerly. ``--before REF`` also runs the
two onstage commands on the package as committed at a git ref (a temporary worktree on
``PYTHONPATH``), in the same rounds, so before and after are measured in one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _throughput_server import meeting  # the same payload as the other benchmarks

ROOT = Path(__file__).resolve().parent.parent

# The same meeting payload as the per-call and throughput benchmarks.
ONE = json.dumps(
    {"success": True, "data": meeting("8f0c6b2e-1f3a-4c5d-9e7f-000000000001", "Standup")}
).encode()
FIRST_CALL = f"""
import asyncio
import httpx2
import onstage

async def main() -> None:
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, content={ONE!r}))
    http = httpx2.AsyncClient(transport=transport)
    async with onstage.RealtimeKit(api_token="t", account_id="a", app_id="b", http_client=http) as rtk:
        await rtk.meetings.get("m1")

asyncio.run(main())
"""

COMMANDS = {
    "import httpx2": "import httpx2",
    "import onstage": "import onstage",
    "first call": FIRST_CALL,
}

TARGETS = {"import onstage": 1.5, "first call": 2.5}


def run(code: str, src: Path | None = None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - started


@contextlib.contextmanager
def worktree(ref: str) -> Iterator[Path]:
    """A temporary checkout of ``ref``: its ``src/``, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp) / "before"
        git = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*git, "add", "--detach", str(where), ref], check=True, capture_output=True)
        try:
            yield where / "src"
        finally:
            subprocess.run([*git, "remove", "--force", str(where)], check=True, capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument(
        "--modules", action="store_true", help="list the onstage modules `import onstage` loads"
    )
    parser.add_argument("--before", metavar="REF", help="also measure onstage as committed at this git ref")
    args = parser.parse_args()
    if args.modules:
        code = "import sys, onstage; print(*sorted(m for m in sys.modules if 'onstage' in m), sep='\\n')"
        subprocess.run([sys.executable, "-c", code], check=True)
        return 0
    with contextlib.ExitStack() as stack:
        commands: dict[str, tuple[str, Path | None]] = {n: (code, None) for n, code in COMMANDS.items()}
        if args.before:
            before = stack.enter_context(worktree(args.before))
            for n in ("import onstage", "first call"):
                commands[f"{n} @{args.before}"] = (COMMANDS[n], before)
        measure(commands, args.rounds)
    return 0


def measure(commands: dict[str, tuple[str, Path | None]], rounds: int) -> None:
    for code, src in commands.values():  # writes the bytecode and warms the OS file cache
        run(code, src)
    names = list(commands)
    times: dict[str, list[float]] = {n: [] for n in names}
    ratios: dict[str, list[float]] = {n: [] for n in names[1:]}
    for i in range(rounds):
        order = names[i % len(names) :] + names[: i % len(names)]
        this = {n: run(*commands[n]) for n in order}
        for n in names:
            times[n].append(this[n])
        for n in names[1:]:
            ratios[n].append(this[n] / this["import httpx2"])
    print(f"start-up, fresh process, compiled bytecode, median of {rounds} interleaved rounds")
    for n in names:
        line = f"  {n:<24} {statistics.median(times[n]) * 1000:7.1f} ms"
        if n in ratios:
            ratio = statistics.median(ratios[n])
            line += f"   {ratio:4.2f}x import httpx2"
            if " @" not in n:
                target = TARGETS[n]
                line += f" (target <= {target}x: {'met' if ratio <= target else 'MISSED'})"
        print(line)


if __name__ == "__main__":
    raise SystemExit(main())
