"""Start-up cost of onstage against the HTTP library's own import, each in a fresh process.

    python benchmarks/bench_import.py [--rounds 9]

Three commands run in turn, once per round (rotating which goes first), each a new interpreter
with compiled bytecode (the script compiles ``src/`` and the environment first, since the Makefile
sets ``PYTHONDONTWRITEBYTECODE``): ``import httpx2`` (the yardstick), ``import onstage``, and
``import onstage`` + building a ``RealtimeKit`` + one ``meetings.get`` on ``httpx2.MockTransport``.
Wall time of the whole process (``time.perf_counter`` around ``subprocess.run``); the printed ratio
is the median of the per-round ratios to ``import httpx2`` in the same round.
Targets: ``import onstage`` <= 1.5x, first call <= 2.5x. ``--modules`` lists what ``import onstage``
loads from onstage itself, to check that no API's models load eagerly. ``--before REF`` also runs the
two onstage commands on the package as committed at a git ref (a worktree on ``PYTHONPATH``), in the
same rounds, so before and after are measured in one run.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FIRST_CALL = """
import asyncio
import httpx2
import onstage

ONE = (
    b'{"success": true, "data": {"id": "m1", "title": "t", "status": "ACTIVE",'
    b' "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z"}}'
)

async def main() -> None:
    transport = httpx2.MockTransport(lambda request: httpx2.Response(200, content=ONE))
    http = httpx2.AsyncClient(transport=transport)
    async with onstage.RealtimeKit(api_token="t", account_id="a", app_id="b", http_client=http) as rtk:
        assert (await rtk.meetings.get("m1")).id == "m1"

asyncio.run(main())
"""

COMMANDS = {
    "import httpx2": "import httpx2",
    "import onstage": "import onstage",
    "first call": FIRST_CALL,
}

TARGETS = {"import onstage": 1.5, "first call": 2.5}


def run(code: str, src: Path | None = None) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)} if src is not None else None
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - started


def worktree(ref: str) -> Path:
    """A checkout of ``ref`` (its ``src/``) beside the system temp dir, reused across runs."""
    sha = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    where = Path(os.environ.get("TMPDIR", "/tmp")) / f"onstage-bench-{sha[:12]}"
    if not where.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), sha],
            check=True,
            capture_output=True,
        )
    return where / "src"


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
    commands: dict[str, tuple[str, Path | None]] = {n: (code, None) for n, code in COMMANDS.items()}
    srcs = [ROOT / "src"]
    if args.before:
        before = worktree(args.before)
        srcs.append(before)
        for n in ("import onstage", "first call"):
            commands[f"{n} @{args.before}"] = (COMMANDS[n], before)
    for where in {*map(str, srcs), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        compileall.compile_dir(where, quiet=2)
    for code, src in commands.values():  # warm the OS file cache
        run(code, src)
    names = list(commands)
    times: dict[str, list[float]] = {n: [] for n in names}
    ratios: dict[str, list[float]] = {n: [] for n in names[1:]}
    for i in range(args.rounds):
        order = names[i % len(names) :] + names[: i % len(names)]
        this = {n: run(*commands[n]) for n in order}
        for n in names:
            times[n].append(this[n])
        for n in names[1:]:
            ratios[n].append(this[n] / this["import httpx2"])
    print(f"start-up, fresh process, compiled bytecode, median of {args.rounds} interleaved rounds")
    for n in names:
        line = f"  {n:<24} {statistics.median(times[n]) * 1000:7.1f} ms"
        if n in ratios:
            ratio = statistics.median(ratios[n])
            target = TARGETS[n.split(" @")[0]]
            line += f"   {ratio:4.2f}x import httpx2" + ("" if " @" in n else f" (target <= {target}x)")
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
