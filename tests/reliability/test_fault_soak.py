"""Fault soak on the sandbox: thousands of calls across the three APIs with 20% of requests
faulted, spread evenly over every fault kind the sandbox has (``KINDS``), ``max_retries=4``.

- Idempotent calls (GET, PUT, DELETE): none may fail unless every one of its attempts was faulted.
  Attempts are matched to calls by a per-call query parameter (``?soak=<n>``, which the sandbox
  records and ignores). A DELETE whose first attempt was applied before the connection dropped
  (``reset_after_processing``, ``truncated``) is answered 404 on the retry: onstage returns that
  as a success (it knows an earlier attempt may have reached the server), so none may fail.
- Creates (POST): never duplicated, and every object that exists was either returned to its caller
  or is covered by an error with ``maybe_applied=True``. Errors with ``maybe_applied=True`` and no
  object (the request was dropped before it was processed) are counted.

Bounded profile (``make test``): 600 idempotent calls + 120 creates per flavour; full
(``make reliability``): 5,000 + 600.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio
import httpx2
import pytest

import onstage
from onstage.testing import Sandbox, backoff_scale
from onstage.testing._engine.faults import KINDS
from tests.reliability._figures import FIGURES, format_counts

if TYPE_CHECKING:
    from onstage.realtimekit import RealtimeKit
    from onstage.tpstreams import TPStreams
    from onstage.webinar import Webinar
    from tests.reliability.conftest import Flavour, Profile

pytestmark = pytest.mark.anyio

FAULT_RATE = 0.20
MAX_RETRIES = 4
# The ``timeout`` fault never answers; the client gives up after READ_TIMEOUT (not less: a busy CI
# machine must not turn ordinary answers into timeouts).
READ_TIMEOUT = 0.5
SLOW_DELAY = 0.02  # ``slow`` answers late, but well within READ_TIMEOUT
BACKOFF = 0.01
WORKERS = 16
#: Kinds after which the sandbox has processed the request (and then dropped the response).
PROCESSED = frozenset({"reset_after_processing", "truncated"})


def add_faults(sb: Sandbox) -> None:
    """FAULT_RATE of all API requests faulted, an equal share for each kind. ``Faults.pick`` tries
    the rules in order, so rule i fires with the share divided by what the earlier ones left."""
    kinds = sorted(KINDS)
    share = FAULT_RATE / len(kinds)
    for i, kind in enumerate(kinds):
        sb.faults.add(
            route="*",
            kind=kind,
            rate=share / (1.0 - share * i),
            delay=SLOW_DELAY if kind == "slow" else None,
        )


@dataclass
class Clients:
    rtk: RealtimeKit
    tp: TPStreams
    wb: Webinar
    retries: Counter[str] = field(default_factory=Counter)


def make_clients(sb: Sandbox, flavour: Flavour) -> Clients:
    retries: Counter[str] = Counter()
    lock = threading.Lock()  # the sync flavour's hooks run in its worker threads

    def on_retry(event: Any) -> None:
        with lock:
            retries[event.operation] += 1

    options: dict[str, Any] = {
        "max_retries": MAX_RETRIES,
        "timeout": httpx2.Timeout(5.0, read=READ_TIMEOUT),
        "limits": httpx2.Limits(max_connections=WORKERS, max_keepalive_connections=WORKERS),
        "on_retry": [on_retry],
    }
    return Clients(
        flavour.sandbox_client(sb, "realtimekit", **options),
        flavour.sandbox_client(sb, "tpstreams", **options),
        flavour.sandbox_client(sb, "webinar", **options),
        retries,
    )


async def run_calls(n: int, call: Callable[[int], Awaitable[Any]]) -> dict[int, BaseException | Any]:
    """``call(i)`` for i in range(n) on WORKERS concurrent workers: ``{i: result or exception}``."""
    results: dict[int, BaseException | Any] = {}
    indices = iter(range(n))

    async def worker() -> None:
        for i in indices:
            try:
                results[i] = await call(i)
            except onstage.OnstageError as exc:
                results[i] = exc

    with backoff_scale(BACKOFF):
        async with anyio.create_task_group() as tg:
            for _ in range(WORKERS):
                tg.start_soon(worker)
    return results


# -- idempotent calls -----------------------------------------------------------------------------
@pytest.mark.sync_too
async def test_idempotent_calls_fail_only_when_every_attempt_was_faulted(
    flavour: Flavour, profile: Profile
) -> None:
    n = profile.n(bounded=600, full=5_000)
    async with Sandbox(seed=20) as sb:
        c = make_clients(sb, flavour)
        meeting = await c.rtk.meetings.create(title="Soak")
        stream = await c.tp.live_streams.create(title="Soak")
        hook = await c.tp.webhooks.create(url="http://127.0.0.1:9/soak", secret_token="soak-secret")
        room = await c.wb.rooms.create(title="Soak room")
        # DELETE targets, made before the faults: a TP organization of their own keeps the lists
        # of the other calls short.
        tp_deletes = c.tp.with_options(organization_id="soak-deletes")
        per_kind = n // 10 + 1
        doomed_streams = [(await tp_deletes.live_streams.create(title=f"d{i}")).id for i in range(per_kind)]
        doomed_rooms = [(await c.wb.rooms.create(title=f"Doomed {i}")).id for i in range(per_kind)]

        ops: list[tuple[str, Callable[[dict[str, str], int], Awaitable[Any]]]] = [
            ("GET rtk meeting", lambda q, i: c.rtk.meetings.get(meeting.id, extra_query=q)),
            ("PUT rtk meeting", lambda q, i: c.rtk.meetings.replace(meeting.id, title="Soak", extra_query=q)),
            ("GET rtk meetings", lambda q, i: c.rtk.meetings.list(per_page=5, extra_query=q).first_page()),
            ("GET tp live stream", lambda q, i: c.tp.live_streams.get(stream.id, extra_query=q)),
            (
                "PUT tp webhook",
                lambda q, i: c.tp.webhooks.replace(
                    hook.id, url="http://127.0.0.1:9/soak", secret_token="soak-secret", extra_query=q
                ),
            ),
            ("GET tp live streams", lambda q, i: c.tp.live_streams.list(extra_query=q).first_page()),
            ("GET wb room", lambda q, i: c.wb.rooms.get(room.id, extra_query=q)),
            ("GET wb rooms", lambda q, i: c.wb.rooms.list(limit=5, extra_query=q).first_page()),
            (
                "DELETE tp live stream",
                lambda q, i: tp_deletes.live_streams.delete(doomed_streams[i // 10], extra_query=q),
            ),
            ("DELETE wb room", lambda q, i: c.wb.rooms.delete(doomed_rooms[i // 10], extra_query=q)),
        ]
        add_faults(sb)

        async def call(i: int) -> Any:
            _, fn = ops[i % len(ops)]
            return await fn({"soak": str(i)}, i)

        results = await run_calls(n, call)
        sb.faults.clear()

        attempts: dict[int, list[str | None]] = defaultdict(list)
        for record in sb.requests:
            if "soak" in record.query:
                attempts[int(record.query["soak"])].append(record.fault)

    all_faulted, delete_applied, other = [], [], []
    for i, result in sorted(results.items()):
        if not isinstance(result, BaseException):
            continue
        name = ops[i % len(ops)][0]
        faults = attempts[i]
        if len(faults) == MAX_RETRIES + 1 and all(faults):
            all_faulted.append(i)
        elif (
            name.startswith("DELETE")
            and isinstance(result, onstage.NotFoundError)
            and any(f in PROCESSED for f in faults[:-1])
        ):
            delete_applied.append(i)
        else:
            other.append(f"#{i} {name}: {type(result).__name__}: {result} (attempts: {faults})")
    fired = Counter(f for faults in attempts.values() for f in faults if f)
    total_attempts = sum(len(f) for f in attempts.values())
    FIGURES.record(
        "fault soak: idempotent calls (GET/PUT/DELETE)",
        flavour.name,
        calls=f"{n} ({sum(1 for i in range(n) if ops[i % len(ops)][0].startswith('GET'))} GET, "
        f"{sum(1 for i in range(n) if ops[i % len(ops)][0].startswith('PUT'))} PUT, "
        f"{sum(1 for i in range(n) if ops[i % len(ops)][0].startswith('DELETE'))} DELETE)",
        attempts_at_the_server=f"{total_attempts}, faulted {sum(fired.values())} "
        f"({sum(fired.values()) / max(total_attempts, 1):.1%})",
        faults_by_kind=format_counts(fired),
        retries_taken=sum(c.retries.values()),
        failures=f"{len(all_faulted) + len(delete_applied) + len(other)}: every attempt faulted "
        f"{len(all_faulted)}, DELETE applied then 404 on the retry {len(delete_applied)}, other {len(other)}",
    )
    assert not other, other
    # A DELETE applied by an attempt whose answer was lost, then answered 404 on the retry, is a
    # success: onstage knows an earlier attempt may have reached the server (these DELETEs answer
    # nothing, so there is no object to give back).
    assert not delete_applied, delete_applied
    assert set(fired) == set(KINDS), f"kinds that never fired: {sorted(set(KINDS) - set(fired))}"
    # Every attempt the server saw was one of onstage's (counted by on_retry, bounded by
    # max_retries): no transport resends a request behind its back (aiohttp does by default).
    assert total_attempts <= n + sum(c.retries.values())
    assert max(len(f) for f in attempts.values()) <= MAX_RETRIES + 1


# -- creates --------------------------------------------------------------------------------------
@pytest.mark.sync_too
async def test_creates_are_never_duplicated_and_every_object_is_accounted_for(
    flavour: Flavour, profile: Profile
) -> None:
    n = profile.n(bounded=120, full=600)
    apis = ("rtk meeting", "tp live stream", "wb room")
    async with Sandbox(seed=21) as sb:
        c = make_clients(sb, flavour)
        add_faults(sb)

        def title(i: int) -> str:
            return f"Soak create {i:05d}"

        async def create(i: int) -> Any:
            api = apis[i % len(apis)]
            if api == "rtk meeting":
                return await c.rtk.meetings.create(title=title(i))
            if api == "tp live stream":
                return await c.tp.live_streams.create(title=title(i))
            return await c.wb.rooms.create(title=title(i))

        results = await run_calls(n, create)
        sb.faults.clear()
        stored = Counter(
            itertools.chain(
                (m.title for m in await c.rtk.meetings.list(per_page=100).to_list()),
                (a.title for a in await c.tp.live_streams.list().to_list()),
                (r.title for r in await c.wb.rooms.list(limit=100).to_list()),
            )
        )
        fired = Counter(r.fault for r in sb.requests if r.method == "POST" and r.fault)

    returned = {title(i) for i, r in results.items() if not isinstance(r, BaseException)}
    maybe_applied = {
        title(i) for i, r in results.items() if isinstance(r, onstage.APIConnectionError) and r.maybe_applied
    }
    errors = Counter(
        f"{type(r).__name__}{' (maybe_applied)' if getattr(r, 'maybe_applied', False) else ''}"
        for r in results.values()
        if isinstance(r, BaseException)
    )
    duplicates = {t: k for t, k in stored.items() if k > 1}
    unaccounted = sorted(t for t in stored if t not in returned and t not in maybe_applied)
    lost = sorted(t for t in returned if t not in stored)
    FIGURES.record(
        "fault soak: creates (POST)",
        flavour.name,
        creates=f"{n} ({', '.join(apis)}), returned {len(returned)}",
        faults_on_posts=format_counts(fired),
        errors=format_counts(errors),
        duplicates=sum(k - 1 for k in duplicates.values()),
        objects_stored=f"{sum(stored.values())}: returned {len(returned & set(stored))}, "
        f"covered by maybe_applied {len(maybe_applied & set(stored))}, unaccounted {len(unaccounted)}",
        maybe_applied_errors=f"{len(maybe_applied)}, with no object {len(maybe_applied - set(stored))}",
    )
    assert not duplicates, duplicates
    assert not unaccounted, unaccounted
    assert not lost, lost
    assert len(returned) + sum(errors.values()) == n


# -- the ``timeout`` fault itself ---------------------------------------------------------------------
@pytest.mark.sync_too
async def test_the_timeout_fault_never_answers_and_never_holds_the_sandbox(flavour: Flavour) -> None:
    started = anyio.current_time()
    async with Sandbox() as sb:
        rtk = flavour.sandbox_client(
            sb, "realtimekit", max_retries=0, timeout=httpx2.Timeout(5.0, read=READ_TIMEOUT)
        )
        sb.faults.add(route="GET /meetings", kind="timeout", times=1)  # waits up to 120 s by default
        with pytest.raises(onstage.APITimeoutError):
            await rtk.meetings.list().first_page()
        assert [(r.fault, r.status) for r in sb.requests] == [("timeout", None)]  # never processed
        await rtk.meetings.list().first_page()  # the next call is answered
    assert anyio.current_time() - started < 5.0
