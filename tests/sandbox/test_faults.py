from __future__ import annotations

import time
from collections.abc import Iterator

import httpx2
import pytest

import onstage
from onstage.testing import Sandbox, backoff_scale

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def fast_backoff() -> Iterator[None]:
    """Transport errors carry no Retry-After: shrink the client's exponential backoff so tests stay fast."""
    with backoff_scale(0.01):
        yield


async def test_idempotent_gets_survive_transient_faults(sb: Sandbox) -> None:
    rtk = sb.realtimekit(max_retries=5)
    meeting = await rtk.meetings.create(title="Flaky")
    for kind in ("500", "503", "reset_before"):
        sb.faults.add(route="GET /meetings/{meeting_id}", kind=kind, rate=0.1, retry_after=0)  # ~27% overall
    for _ in range(30):
        assert (await rtk.meetings.get(meeting.id)).id == meeting.id
    faulted = [r for r in sb.requests if r.operation_id == "get_meeting" and r.fault]
    assert faulted, "the faults should have fired"
    assert sb.count("get_meeting") == 30 + len(faulted)


@pytest.mark.parametrize("kind", ["503", "reset_before", "500"])
async def test_idempotent_calls_of_all_three_apis_succeed_through_30_percent_faults(kind: str) -> None:
    async with Sandbox(seed=30) as sb:  # seeded: the same faults fire on every run
        rtk, tp, wb = (sb.realtimekit(max_retries=8), sb.tpstreams(max_retries=8), sb.webinar(max_retries=8))
        meeting = await rtk.meetings.create(title="Flaky")
        stream = await tp.live_streams.create(title="Flaky")
        room = await wb.rooms.create(title="Flaky")
        for method in ("GET", "PUT", "DELETE"):
            sb.faults.add(route=f"{method} *", kind=kind, rate=0.3, retry_after=0)
        calls = 0
        for _ in range(15):
            assert (await rtk.meetings.get(meeting.id)).title == "Flaky"
            assert (await tp.live_streams.get(stream.id)).title == "Flaky"
            assert (await wb.rooms.get(room.id)).title == "Flaky"
            assert len(await rtk.meetings.list(per_page=1).to_list()) == 1
            calls += 4
        await tp.live_streams.delete(stream.id)  # DELETE is idempotent too
        calls += 1
        faulted = sum(1 for r in sb.requests if r.fault)
        assert 0.15 < faulted / (calls + faulted) < 0.45  # about 30% of what reached the sandbox
        assert len([r for r in sb.requests if not r.fault and r.method != "POST"]) == calls


async def test_post_reset_after_processing_is_never_duplicated(sb: Sandbox) -> None:
    rtk = sb.realtimekit(max_retries=5)
    sb.faults.add(route="POST /meetings", kind="reset_after_processing", rate=0.5)
    ok, failed = 0, 0
    for i in range(20):
        try:
            await rtk.meetings.create(title=f"m{i}")
            ok += 1
        except onstage.APIConnectionError:
            failed += 1
    sb.faults.clear()
    assert failed > 0 and ok > 0
    stored = await rtk.meetings.list(per_page=100).to_list()
    assert len(stored) == 20 == ok + failed  # each call created exactly once: nothing retried
    assert sb.count("POST /meetings") == 20


async def test_reset_after_processing_is_a_transport_error_for_raw_httpx(sb: Sandbox) -> None:
    sb.faults.add(operation_id="create_meeting", kind="reset_after_processing", times=1)
    url = f"{sb.url}/client/v4/accounts/acc-1/realtime/kit/app-1/meetings"
    async with httpx2.AsyncClient() as http:
        with pytest.raises(httpx2.TransportError):
            await http.post(url, json={"title": "x"}, headers={"Authorization": "Bearer rtk-sandbox-token"})
    assert len(await sb.realtimekit().meetings.list().to_list()) == 1


async def test_post_retried_on_429_with_retry_after(sb: Sandbox) -> None:
    rtk = sb.realtimekit(max_retries=3)
    sb.faults.add(route="POST /meetings", kind="429", times=2, retry_after=0.01)
    meeting = await rtk.meetings.create(title="Patient")
    assert meeting.title == "Patient"
    assert sb.count("create_meeting") == 3
    assert len(await rtk.meetings.list().to_list()) == 1


async def test_post_not_retried_on_500(sb: Sandbox) -> None:
    tp = sb.tpstreams(max_retries=3)
    sb.faults.add(route="POST /assets/live_streams/", kind="500")
    with pytest.raises(onstage.InternalServerError):
        await tp.live_streams.create(title="Once")
    assert sb.count("POST /assets/live_streams") == 1


async def test_exhausted_retries_raise_typed_errors(sb: Sandbox) -> None:
    rtk = sb.realtimekit(max_retries=2)
    meeting = await rtk.meetings.create(title="Doomed")
    sb.faults.add(operation_id="get_meeting", kind="500", retry_after=0)
    with pytest.raises(onstage.InternalServerError):
        await rtk.meetings.get(meeting.id)
    assert sb.count("get_meeting") == 3
    sb.faults.clear()
    sb.faults.add(operation_id="get_meeting", kind="429", retry_after=0)
    with pytest.raises(onstage.RateLimitError) as info:
        await rtk.meetings.get(meeting.id)
    assert info.value.retry_after == 0
    sb.faults.clear()
    sb.faults.add(route="*", kind="reset_before")
    with pytest.raises(onstage.APIConnectionError):
        await rtk.meetings.get(meeting.id)
    sb.faults.clear()
    sb.faults.add(route="GET /meetings/{meeting_id}", kind="truncated")
    with pytest.raises(onstage.APIConnectionError):
        await rtk.meetings.get(meeting.id)


async def test_non_json_slow_and_webinar_shapes(sb: Sandbox) -> None:
    wb = sb.webinar(max_retries=0)
    sb.faults.add(route="GET /sessions/stats", kind="non_json")
    with pytest.raises(onstage.InternalServerError) as info:
        await wb.sessions.stats()
    assert info.value.status_code == 502
    sb.faults.clear()
    sb.faults.add(route="GET /sessions/stats", kind="slow", delay=0.2)
    started = time.monotonic()
    await wb.sessions.stats()
    assert time.monotonic() - started >= 0.2
    sb.faults.clear()
    sb.faults.add(route="GET /sessions/stats", kind="503", times=1, retry_after=0)
    async with httpx2.AsyncClient() as http:
        response = await http.get(
            f"{sb.url}/v1/webinar/sessions/stats", headers={"X-API-Key": "wb-sandbox-key"}
        )
    assert response.status_code == 503 and response.json()["success"] is False
    assert response.headers["retry-after"] == "0"


async def test_seeded_faults_are_reproducible() -> None:
    async def pattern() -> list[str | None]:
        async with Sandbox(seed=7) as sb:
            rtk = sb.realtimekit(max_retries=10)
            meeting = await rtk.meetings.create(title="Seeded")
            sb.faults.add(operation_id="get_meeting", kind="500", rate=0.5, retry_after=0)
            for _ in range(10):
                await rtk.meetings.get(meeting.id)
            return [r.fault for r in sb.requests]

    assert await pattern() == await pattern()


async def test_unknown_fault_kind_rejected(sb: Sandbox) -> None:
    with pytest.raises(ValueError):
        sb.faults.add(kind="explode")
