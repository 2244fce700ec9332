"""Cancelled calls must never leak connection-pool slots.

httpx 0.28.1 + httpcore 1.0.9 leak a slot when a request that the pool had just assigned a NEW
connection to is cancelled before that connection is established (httpcore issue #1093, fixed in
httpcore2 2.6.0): the connection stays "connecting" forever, and after a few cancellation storms
every call raises ``PoolTimeout``. onstage runs on httpx2 for this reason; these tests hold every
flavour (event loop × ``http_backend``) to it:

- deterministic: ``max_connections=1``, two concurrent calls on a fresh pool; the first is
  cancelled, which hands the slot to the second as a new connection, and the second is cancelled
  0…15 checkpoints later (one of these is right after it was scheduled onto that connection); a
  follow-up must then succeed within a short pool timeout;
- storm: ``max_connections=10`` against a loopback server (the sandbox) that answers in 50 ms,
  rounds of calls cancelled at 0 ms, 1 ms and random times by ``task.cancel()`` and
  ``asyncio.wait_for`` (asyncio) and anyio's ``move_on_after`` and ``CancelScope.cancel()`` (both
  loops); then a burst of ``max_connections`` calls that the server never answers must all reach
  it (transport-neutral "0 stuck": a call that cannot reach the server is waiting for a slot that
  never came back), and 20 of 20 sequential follow-ups must succeed.

The same logic fails on the old httpx. To see it (and the numbers), run the raw-client
comparison, collected only when asked for::

    make prove-old-httpx

(``ONSTAGE_PROVE_OLD_HTTPX=1 pytest tests/reliability/test_cancellation.py -k raw_client``)

``httpx`` cases fail (stuck slots, follow-ups timing out); ``httpx2`` cases pass.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import httpx2
import pytest

from onstage.testing import Sandbox
from tests.reliability._figures import FIGURES, format_counts

if TYPE_CHECKING:
    from tests.reliability.conftest import Flavour, Profile

pytestmark = pytest.mark.anyio

STORM_DELAY = 0.05  # the server's answer time during the storm
ARRIVAL_WAIT = 5.0  # how long the burst may take to reach the server (generous: slow CI is fine)
POOL_TIMEOUT = 0.7
FOLLOW_UPS = 20
CHECKPOINTS = 16  # the deterministic case cancels the second call 0..15 checkpoints after the first
RANDOM_CANCEL = 0.15  # random cancellation times are in [0, RANDOM_CANCEL) seconds
TOKEN = "rtk-sandbox-token"

Call = Callable[[], Awaitable[Any]]
Mechanism = Callable[[Call, float], Awaitable[str]]


# -- what is called -------------------------------------------------------------------------------
class Target(Protocol):
    max_connections: int

    async def call(self, which: str) -> None: ...

    async def aclose(self) -> None: ...


@dataclass
class Meetings:
    """The sandbox and its three meetings: ``storm`` answers in 50 ms, ``hold`` never (the
    ``timeout`` fault: the call holds its connection until it is cancelled), ``quick`` at once."""

    sb: Sandbox
    ids: dict[str, str]

    def arrived(self, which: str) -> int:
        """Requests for that meeting that reached the server."""
        suffix = "/" + self.ids[which]
        return sum(1 for r in self.sb.requests if r.path.endswith(suffix))


class OnstageTarget:
    def __init__(self, m: Meetings, flavour: Flavour, max_connections: int) -> None:
        self.max_connections = max_connections
        self.ids = m.ids
        self.rtk = m.sb.realtimekit(
            **flavour.options(
                limits=httpx2.Limits(
                    max_connections=max_connections, max_keepalive_connections=max_connections
                ),
                timeout=httpx2.Timeout(5.0, pool=POOL_TIMEOUT),
                max_retries=0,
            )
        )

    async def call(self, which: str) -> None:
        await self.rtk.meetings.get(self.ids[which])

    async def aclose(self) -> None:
        await self.rtk.aclose()


class RawTarget:
    """A bare ``AsyncClient`` of ``httpx`` (0.28, only for the proof) or ``httpx2``."""

    def __init__(self, lib: Any, m: Meetings, max_connections: int) -> None:
        self.max_connections = max_connections
        self.ids = m.ids
        self.base = f"{m.sb.url}/client/v4/accounts/acc-1/realtime/kit/app-1/meetings"
        self.http = lib.AsyncClient(
            limits=lib.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            timeout=lib.Timeout(5.0, pool=POOL_TIMEOUT),
            headers={"Authorization": f"Bearer {TOKEN}"},
        )

    async def call(self, which: str) -> None:
        response = await self.http.get(f"{self.base}/{self.ids[which]}")
        response.raise_for_status()

    async def aclose(self) -> None:
        await self.http.aclose()


@pytest.fixture
async def meetings() -> AsyncIterator[Meetings]:
    async with Sandbox() as sb:
        rtk = sb.realtimekit()
        ids = {name: (await rtk.meetings.create(title=name)).id for name in ("storm", "hold", "quick")}
        sb.faults.add(route=f"GET /meetings/{ids['storm']}", kind="slow", delay=STORM_DELAY)
        sb.faults.add(route=f"GET /meetings/{ids['hold']}", kind="timeout", delay=60)
        yield Meetings(sb, ids)


# -- how calls are cancelled ----------------------------------------------------------------------
async def _outcome(call: Call) -> str:
    try:
        await call()
    except Exception as exc:
        return f"error:{type(exc).__name__}"
    return "completed"


async def _task_cancel(call: Call, delay: float) -> str:
    import asyncio

    task = asyncio.get_running_loop().create_task(_outcome(call))
    await asyncio.sleep(delay)
    task.cancel()
    await asyncio.wait({task})
    return "cancelled" if task.cancelled() else task.result()


async def _wait_for(call: Call, delay: float) -> str:
    import asyncio

    try:
        return await asyncio.wait_for(_outcome(call), timeout=delay)
    except TimeoutError:
        return "cancelled"


async def _move_on_after(call: Call, delay: float) -> str:
    with anyio.move_on_after(delay):
        return await _outcome(call)
    return "cancelled"


async def _scope_cancel(call: Call, delay: float) -> str:
    scope = anyio.CancelScope()
    outcome = "cancelled"

    async def run() -> None:
        nonlocal outcome
        with scope:
            outcome = await _outcome(call)

    async with anyio.create_task_group() as tg:
        tg.start_soon(run)
        await anyio.sleep(delay)
        scope.cancel()
    return outcome


def mechanisms(asyncio: bool) -> dict[str, Mechanism]:
    anyio_ones: dict[str, Mechanism] = {"move_on_after": _move_on_after, "CancelScope.cancel": _scope_cancel}
    if not asyncio:
        return anyio_ones
    return {"task.cancel": _task_cancel, "asyncio.wait_for": _wait_for, **anyio_ones}


# -- the two cases --------------------------------------------------------------------------------
async def _bounded(call: Call, seconds: float) -> str:
    """The call's outcome, or ``"stuck"`` when it has not finished after ``seconds``."""
    with anyio.move_on_after(seconds):
        return await _outcome(call)
    return "stuck"


async def deterministic(make_target: Callable[[int], Target], asyncio: bool) -> tuple[int, int, list[str]]:
    """``(passed, iterations, failures)``. Each iteration takes a fresh pool with one slot and
    starts two calls, A and B (B waits for the slot). A is cancelled (at once, or in flight after
    10 ms), which frees the slot and hands it to B as a NEW connection; B is cancelled ``k``
    checkpoints later. For one ``k`` in 0..15 (which one depends on the loop and the library) B is
    cancelled right after it was handed the slot, before it resumed: the httpcore #1093 window.
    A follow-up call must then succeed within the pool timeout."""
    hows = ["CancelScope.cancel", "task.cancel"] if asyncio else ["CancelScope.cancel"]
    passed, iterations, failures = 0, 0, []
    for how in hows:
        for a_after in (0.0, 0.01):
            for k in range(CHECKPOINTS):
                iterations += 1
                target = make_target(1)
                await _cancel_both(target, how, a_after, k)
                follow_up = await _bounded(lambda: target.call("quick"), 3.0)
                await target.aclose()
                if follow_up == "completed":
                    passed += 1
                else:
                    failures.append(
                        f"{how}, A after {a_after}s, B {k} checkpoints later: follow-up {follow_up}"
                    )
    return passed, iterations, failures


async def _cancel_both(target: Target, how: str, a_after: float, k: int) -> None:
    async def call() -> None:
        await _outcome(lambda: target.call("storm"))

    if how == "task.cancel":
        import asyncio

        loop = asyncio.get_running_loop()
        a, b = loop.create_task(call()), loop.create_task(call())
        await asyncio.sleep(a_after)
        a.cancel()
        for _ in range(k):
            await asyncio.sleep(0)
        b.cancel()
        await asyncio.wait({a, b})
        return
    scopes = anyio.CancelScope(), anyio.CancelScope()

    async def run(scope: anyio.CancelScope) -> None:
        with scope:
            await call()

    async with anyio.create_task_group() as tg:
        for scope in scopes:
            tg.start_soon(run, scope)
        await anyio.sleep(a_after)
        scopes[0].cancel()
        for _ in range(k):
            await anyio.sleep(0)
        scopes[1].cancel()


@dataclass
class StormResult:
    outcomes: Counter[str]
    by_mechanism: Counter[str]
    stuck: int
    stuck_outcomes: list[str]  # what the calls that never reached the server ended with
    follow_ups_ok: int


async def storm(
    target: Target, m: Meetings, *, rounds: int, calls: int, asyncio: bool, seed: int = 1093
) -> StormResult:
    rng = random.Random(seed)
    chosen = mechanisms(asyncio)
    names = list(chosen)
    outcomes: Counter[str] = Counter()
    by_mechanism: Counter[str] = Counter()

    async def one(delay: float, name: str) -> None:
        outcome = await chosen[name](lambda: target.call("storm"), delay)
        outcomes[outcome] += 1
        by_mechanism[f"{name} {outcome}"] += 1

    for _ in range(rounds):
        async with anyio.create_task_group() as tg:
            for i in range(calls):
                delay = (0.0, 0.001, rng.uniform(0.0, RANDOM_CANCEL))[i % 3]
                tg.start_soon(one, delay, names[(i // 3) % len(names)])
        await anyio.sleep(STORM_DELAY * 2)  # let cancelled exchanges finish on the server side

    # A burst of max_connections calls that each hold a connection: every one must reach the server
    # (counted there, so a slow machine cannot fake a leak). A call that finds no free slot never
    # arrives: it waits in the pool (PoolTimeout) for a slot a leak took away for good.
    stuck, burst = await _burst(target, m)
    follow_ups_ok = 0
    for _ in range(FOLLOW_UPS):
        follow_ups_ok += await _bounded(lambda: target.call("quick"), 3.0) == "completed"
    return StormResult(outcomes, by_mechanism, stuck, burst, follow_ups_ok)


async def _burst(target: Target, m: Meetings) -> tuple[int, list[str]]:
    """``(stuck slots, the outcomes of the calls that did not reach the server)``."""
    before = m.arrived("hold")
    n = target.max_connections
    waiting: list[str] = []
    running = n

    async def hold() -> None:
        nonlocal running
        outcome = await _outcome(lambda: target.call("hold"))
        running -= 1
        waiting.append(outcome)

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(hold)
        with anyio.move_on_after(ARRIVAL_WAIT):
            while m.arrived("hold") - before < n and running:
                await anyio.sleep(0.01)
        arrived = m.arrived("hold") - before
        tg.cancel_scope.cancel()  # the arrived calls hang up; the server side stops waiting
    return n - arrived, waiting


def _storm_size(profile: Profile) -> tuple[int, int]:
    return 3, profile.n(bounded=150, full=400)


# -- the tests ------------------------------------------------------------------------------------
async def test_cancelling_a_call_before_its_new_connection_is_up_frees_the_slot(
    meetings: Meetings, flavour: Flavour
) -> None:
    passed, iterations, failures = await deterministic(
        lambda n: OnstageTarget(meetings, flavour, n), flavour.asyncio
    )
    FIGURES.record("cancellation", flavour.name, deterministic_max_connections_1=f"{passed}/{iterations} ok")
    assert not failures, failures


async def test_cancellation_storm_leaves_no_stuck_connection(
    meetings: Meetings, flavour: Flavour, profile: Profile
) -> None:
    rounds, calls = _storm_size(profile)
    target = OnstageTarget(meetings, flavour, 10)
    result = await storm(target, meetings, rounds=rounds, calls=calls, asyncio=flavour.asyncio)
    _record("cancellation", flavour.name, rounds, calls, target.max_connections, result)
    assert result.stuck == 0, result.stuck_outcomes
    assert result.follow_ups_ok == FOLLOW_UPS
    assert result.outcomes["cancelled"] > rounds * calls // 2  # the storm did cancel calls in flight


def _record(
    section: str, row: str, rounds: int, calls: int, max_connections: int, result: StormResult
) -> None:
    FIGURES.record(
        section,
        row,
        storm=f"{rounds}×{calls} calls, max_connections={max_connections}: {format_counts(result.outcomes)}",
        mechanisms=format_counts(result.by_mechanism),
        stuck_connections=f"{result.stuck}/{max_connections}",
        follow_ups=f"{result.follow_ups_ok}/{FOLLOW_UPS} ok",
    )


# -- the proof that these tests catch the old httpx ----------------------------------------------
# Collected only when asked for (`make prove-old-httpx`): it is expected to FAIL on the old httpx,
# so it is a proof to run by hand, not part of `make test`.
if os.environ.get("ONSTAGE_PROVE_OLD_HTTPX") == "1":

    @pytest.mark.parametrize("lib_name", ["httpx", "httpx2"])
    @pytest.mark.parametrize("anyio_backend", ["asyncio", "trio"])
    async def test_raw_client_same_logic(
        meetings: Meetings, lib_name: str, anyio_backend: str, profile: Profile
    ) -> None:
        if lib_name == "httpx":
            import httpx as lib  # noqa: TID251 - the old httpx, only to show this test catches its leak
        else:
            lib = httpx2
        asyncio = anyio_backend == "asyncio"
        row = f"raw {lib_name} {lib.__version__} on {anyio_backend}"
        passed, iterations, failures = await deterministic(lambda n: RawTarget(lib, meetings, n), asyncio)
        FIGURES.record(
            "cancellation (raw clients)", row, deterministic_max_connections_1=f"{passed}/{iterations} ok"
        )
        rounds, calls = _storm_size(profile)
        target = RawTarget(lib, meetings, 10)
        try:
            result = await storm(target, meetings, rounds=rounds, calls=calls, asyncio=asyncio)
        finally:
            await target.aclose()
        _record("cancellation (raw clients)", row, rounds, calls, target.max_connections, result)
        assert not failures, failures
        assert result.stuck == 0, result.stuck_outcomes
        assert result.follow_ups_ok == FOLLOW_UPS
