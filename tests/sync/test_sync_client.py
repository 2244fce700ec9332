"""The synchronous clients (``onstage.sync``) against the sandbox served from a background thread
(``Sandbox.start_in_thread``), with no async code in the test: what a Django view's or a Celery task's
test does. One client is shared by many threads; hooks are plain functions; deadlines hold."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest

import onstage
import onstage.sync
from onstage.testing import Sandbox, ThreadedSandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[ThreadedSandbox]:
    with Sandbox.start_in_thread() as sandbox:
        yield sandbox


def test_end_to_end_with_control_calls_from_the_test_thread(sb: ThreadedSandbox) -> None:
    rtk = sb.realtimekit()
    meeting = rtk.meetings.create(title="Standup")
    before = sb.count("create_meeting")
    assert before >= 1 and isinstance(sb.requests, list)
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1")  # marshalled into the sandbox
    sb.control.join("acc-1", "app-1", meeting.id, custom_participant_id="u2")
    session = rtk.meetings.get(meeting.id)
    assert session.id == meeting.id
    ids = [m.id for m in rtk.meetings.list(per_page=1)]  # iteration walks every page
    assert meeting.id in ids
    raw = rtk.meetings.with_raw_response.get(meeting.id)
    assert raw.status_code == 200 and raw.parsed.id == meeting.id

    wb = sb.webinar()
    room = wb.rooms.create(title="All hands")
    assert wb.rooms.get(room.id).id == room.id


def test_faults_and_retries(sb: ThreadedSandbox) -> None:
    rtk = sb.realtimekit(max_retries=2)
    meeting = rtk.meetings.create(title="Retried")
    sb.faults.add(kind="503", operation_id="get_meeting", times=1, retry_after=0.01)
    try:
        assert rtk.meetings.get(meeting.id).id == meeting.id
    finally:
        sb.faults.clear()
    gets = [r for r in sb.requests if r.operation_id == "get_meeting"]
    assert len(gets) >= 2  # the 503, then the retry


def test_wait_until_ready_blocks_until_the_server_is_up() -> None:
    with Sandbox.start_in_thread(server_start_delay=0.3) as sb:
        tp = sb.tpstreams()
        asset = tp.live_streams.create(title="Live")
        started = time.monotonic()
        ready = tp.live_streams.wait_until_ready(asset.id, timeout=10, interval=0.05)
        assert ready.live_stream is not None and ready.live_stream.rtmp_url
        assert 0.2 < time.monotonic() - started < 5
        late = tp.live_streams.create(title="Never in time")
        with pytest.raises(onstage.WaitTimeoutError) as info:
            tp.live_streams.wait_until_ready(late.id, timeout=0.15, interval=0.05)
        assert info.value.last is not None


def test_total_timeout_bounds_a_blocking_call(sb: ThreadedSandbox) -> None:
    rtk = sb.realtimekit(max_retries=0)
    meeting = rtk.meetings.create(title="Slow")
    sb.faults.add(kind="slow", operation_id="get_meeting", delay=3.0)
    try:
        started = time.monotonic()
        with pytest.raises(onstage.APITimeoutError, match=r"total_timeout of 0\.3s"):
            rtk.meetings.get(meeting.id, total_timeout=0.3)
        assert time.monotonic() - started < 1.5
    finally:
        sb.faults.clear()


def test_one_client_shared_by_a_thread_pool(sb: ThreadedSandbox) -> None:
    """A Django process: one module-level client, many request threads."""
    rtk = sb.realtimekit()
    meetings = [rtk.meetings.create(title=f"T{i}") for i in range(8)]
    copy = rtk.with_options(timeout=30)  # copies share the pool, across threads too
    threads: set[int] = set()

    def work(i: int) -> tuple[str, str]:
        threads.add(threading.get_ident())
        client = copy if i % 2 else rtk
        wanted = meetings[i % len(meetings)]
        got = client.meetings.get(wanted.id)
        raw = client.meetings.with_raw_response.get(wanted.id)  # the raw mark is per thread
        assert isinstance(raw, onstage.APIResponse)
        return wanted.id, got.id

    before = sb.count("get_meeting")
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(work, range(200)))
    assert all(wanted == got for wanted, got in results)
    assert len(threads) > 1
    assert sb.count("get_meeting") - before == 400


def test_hooks_are_plain_functions_and_an_async_one_is_refused() -> None:
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, json={"success": True, "data": []})

    http = httpx2.Client(transport=httpx2.MockTransport(handler))
    rtk = onstage.sync.RealtimeKit(
        account_id="a",
        app_id="b",
        api_token="t",
        http_client=http,
        on_request=[lambda r: seen.append(r.method)],
    )
    assert rtk.meetings.list().first_page().items == []
    assert seen == ["GET"]

    async def async_hook(request: httpx2.Request) -> None:
        return None

    bad = onstage.sync.RealtimeKit(
        account_id="a",
        app_id="b",
        api_token="t",
        http_client=http,
        on_request=[async_hook],  # type: ignore[list-item]  # mypy refuses it too
    )
    with pytest.raises(onstage.ConfigurationError, match=r"async_hook.*is async"):
        bad.meetings.list().first_page()


def test_each_flavour_refuses_the_other_flavours_http_client() -> None:
    with pytest.raises(
        onstage.ConfigurationError, match=r"must be an httpx2\.Client, not an httpx2\.AsyncClient"
    ):
        onstage.sync.Webinar(api_key="k", http_client=httpx2.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(onstage.ConfigurationError, match=r"onstage\.sync.s clients take it"):
        onstage.Webinar(api_key="k", http_client=httpx2.Client())  # type: ignore[arg-type]
    with pytest.raises(onstage.ConfigurationError, match="for asyncio"):
        onstage.sync.Webinar(api_key="k", http_backend="aiohttp")  # type: ignore[arg-type]


def test_closed_sync_client_says_how_it_was_closed() -> None:
    with onstage.sync.Webinar(api_key="k", base_url="http://127.0.0.1:9") as wb:
        pass
    with pytest.raises(onstage.ClientClosedError, match=r"close\(\) or the end of its `with`"):
        wb.rooms.get("r1")


def test_control_calls_run_in_the_sandboxs_thread(sb: ThreadedSandbox) -> None:
    sandbox_thread = sb.call(threading.get_ident)
    assert sandbox_thread != threading.get_ident()

    async def where() -> int:
        return threading.get_ident()

    assert sb.call(where) == sandbox_thread  # a coroutine function is awaited there
    sb.realtimekit().meetings.create(title="Copied")
    requests, live = sb.requests, sb.sandbox.requests
    assert requests == live and requests is not live  # a copy taken in that thread
