"""RealtimeKit on MockTransport: success, envelope, bound ids, errors, per-call options."""

from __future__ import annotations

import datetime
import json

import httpx2
import pytest

import onstage
from onstage.realtimekit.models import Meeting, MeetingStatus

from .helpers import TOKEN, Recorder, meeting, ok, rtk

pytestmark = pytest.mark.anyio


async def test_get_unwraps_envelope_and_binds_ids() -> None:
    rec = Recorder(ok(meeting(1, extra_field=True)))
    async with rtk(rec) as client:
        m = await client.meetings.get("m-1")
    assert isinstance(m, Meeting)
    assert m.id == "m-1" and m.status is MeetingStatus.ACTIVE
    assert m.created_at == datetime.datetime(2026, 11, 1, 10, tzinfo=datetime.UTC)
    assert m.additional_properties == {"extra_field": True}
    req = rec.requests[0]
    assert req.url.path == "/client/v4/accounts/acc/realtime/kit/app/meetings/m-1"
    assert req.headers["authorization"] == f"Bearer {TOKEN}"
    assert req.headers["user-agent"].startswith("onstage-python/")


async def test_create_sends_only_given_fields() -> None:
    rec = Recorder(ok(meeting(2), status=201))
    async with rtk(rec) as client:
        m = await client.meetings.create(title="Standup", record_on_start=False)
    assert json.loads(rec.requests[0].content) == {"title": "Standup", "record_on_start": False}
    assert rec.requests[0].method == "POST" and m.id == "m-2"


async def test_update_is_patch_and_replace_is_put() -> None:
    rec = Recorder(ok(meeting(1, status="INACTIVE")))
    async with rtk(rec) as client:
        m = await client.meetings.update("m-1", status="INACTIVE")
        await client.meetings.replace("m-1", title="t")
    assert [r.method for r in rec.requests] == ["PATCH", "PUT"]
    assert m.status == "INACTIVE"


async def test_participant_add_returns_token_and_hides_it_in_repr() -> None:
    body = {
        "id": "p-1",
        "custom_participant_id": "u-1",
        "preset_name": "host",
        "name": "Ada",
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-01T10:00:00Z",
        "token": "eyJhbGciOi.SECRET-PARTICIPANT-TOKEN",
    }
    rec = Recorder(ok(body, status=201))
    async with rtk(rec) as client:
        p = await client.meetings.participants.add(
            "m-1", custom_participant_id="u-1", preset_name="host", name="Ada"
        )
    assert p.token == body["token"]
    assert "SECRET-PARTICIPANT-TOKEN" not in repr(p)
    assert rec.requests[0].url.path.endswith("/meetings/m-1/participants")


async def test_recording_stop_is_put_with_action() -> None:
    rec_body = {"id": "r-1", "status": "UPLOADED", "invoked_time": "2026-11-01T10:00:00Z"}
    rec = Recorder(ok(rec_body))
    async with rtk(rec) as client:
        r = await client.recordings.stop("r-1")
        await client.recordings.pause("r-1")
    assert [json.loads(r.content) for r in rec.requests] == [{"action": "stop"}, {"action": "pause"}]
    assert rec.requests[0].method == "PUT" and r.status == "UPLOADED"


async def test_kick_fills_the_other_required_list() -> None:
    rec = Recorder(ok({"action": "kick", "participants": []}))
    async with rtk(rec) as client:
        await client.active_session.kick("m-1", participant_ids=["p-1"])
    assert json.loads(rec.requests[0].content) == {"participant_ids": ["p-1"], "custom_participant_ids": []}


async def test_session_details_accepts_both_shapes() -> None:
    session = {
        "id": "s-1",
        "associated_id": "m-1",
        "status": "LIVE",
        "type": "meeting",
        "created_at": "2026-11-01T10:00:00Z",
        "started_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-01T10:00:00Z",
        "live_participants": 1,
        "max_concurrent_participants": 2,
        "meeting_display_name": "x",
        "minutes_consumed": 3,
        "organization_id": "app",
    }
    rec = Recorder(ok(session), ok({"session": session}))
    async with rtk(rec) as client:
        a = await client.sessions.get("s-1")
        b = await client.sessions.get("s-1")
    assert a.id == b.id == "s-1"


async def test_per_call_options_reach_the_request() -> None:
    rec = Recorder(ok(meeting(1)))
    async with rtk(rec) as client:
        await client.meetings.get(
            "m-1", timeout=4.0, extra_headers={"X-Trace": "t1"}, extra_query={"debug": "1"}, max_retries=0
        )
    req = rec.requests[0]
    assert req.headers["x-trace"] == "t1" and req.url.params["debug"] == "1"
    assert req.extensions["timeout"] == {"connect": 4.0, "read": 4.0, "write": 4.0, "pool": 4.0}


async def test_default_timeout_is_not_none() -> None:
    rec = Recorder(ok(meeting(1)))
    async with rtk(rec) as client:
        await client.meetings.get("m-1")
    timeout = rec.requests[0].extensions["timeout"]
    assert timeout["read"] == 60.0 and timeout["connect"] == 10.0


async def test_with_options_shares_pool_and_rebinds_app() -> None:
    rec = Recorder(ok(meeting(1)))
    async with rtk(rec) as client:
        other = client.with_options(app_id="app-2", timeout=1.0)
        await other.meetings.get("m-1")
        await client.meetings.get("m-1")
        assert other._http is client._http
    assert rec.requests[0].url.path.startswith("/client/v4/accounts/acc/realtime/kit/app-2/")
    assert rec.requests[1].url.path.startswith("/client/v4/accounts/acc/realtime/kit/app/")
    assert rec.requests[0].extensions["timeout"]["read"] == 1.0


async def test_raw_response_access() -> None:
    rec = Recorder(
        httpx2.Response(200, json={"success": True, "data": meeting(1)}, headers={"cf-ray": "ray-123"})
    )
    async with rtk(rec) as client:
        raw = await client.meetings.with_raw_response.get("m-1")
    assert raw.status_code == 200 and raw.request_id == "ray-123" and raw.retries_taken == 0
    assert raw.parsed.id == "m-1" and raw.body["success"] is True
    assert raw.elapsed.total_seconds() >= 0


async def test_empty_id_is_rejected_before_sending() -> None:
    rec = Recorder(ok(meeting(1)))
    async with rtk(rec) as client:
        with pytest.raises(onstage.InvalidArgumentError, match="meeting_id"):
            await client.meetings.get("")
    assert rec.requests == []


async def test_missing_app_id_is_a_configuration_error() -> None:
    client = onstage.RealtimeKit(api_token="t", account_id="acc", http_client=httpx2.AsyncClient())
    with pytest.raises(onstage.ConfigurationError, match="app_id"):
        await client.meetings.get("m-1")
    await client._http.aclose()


def test_missing_token_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN", raising=False)
    monkeypatch.delenv("REALTIMEKIT_API_TOKEN", raising=False)
    with pytest.raises(onstage.ConfigurationError, match="CLOUDFLARE_API_TOKEN"):
        onstage.RealtimeKit()


async def test_credentials_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "env-token-123456")
    monkeypatch.setenv("CLOUDFLARE_ACCOUNT_ID", "env-acc")
    monkeypatch.setenv("REALTIMEKIT_APP_ID", "env-app")
    rec = Recorder(ok(meeting(1)))
    client = onstage.RealtimeKit(http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(rec)))
    await client.meetings.get("m-1")
    assert rec.requests[0].url.path.startswith("/client/v4/accounts/env-acc/realtime/kit/env-app/")
    assert rec.requests[0].headers["authorization"] == "Bearer env-token-123456"
    await client._http.aclose()


async def test_user_http_client_is_not_closed() -> None:
    http = httpx2.AsyncClient(transport=httpx2.MockTransport(Recorder(ok(meeting(1)))))
    async with onstage.RealtimeKit(api_token="t", account_id="a", app_id="b", http_client=http) as client:
        await client.meetings.get("m-1")
    assert not http.is_closed
    await http.aclose()


async def test_user_http_client_headers_params_and_cookies_are_kept() -> None:
    rec = Recorder(ok(meeting(1)))
    http = httpx2.AsyncClient(
        transport=httpx2.MockTransport(rec),
        headers={"X-Team": "video", "Authorization": "Bearer someone-elses-token"},
    )
    async with onstage.RealtimeKit(api_token=TOKEN, account_id="a", app_id="b", http_client=http) as client:
        await client.meetings.get("m-1")
        http.headers["X-Team"] = "audio"  # edited after the client was built: the next call sees it
        await client.with_options(default_headers={"X-Extra": "1"}).meetings.get("m-1")
        await client.meetings.get("m-1", extra_headers={"X-Call": "c"})
        http.params = httpx2.QueryParams({"tenant": "t1"})
        http.cookies.set("sid", "cookie-1")
        await client.meetings.get("m-1", extra_query={"q": "1"})
    first, second, third, fourth = rec.requests
    assert first.headers["authorization"] == f"Bearer {TOKEN}"  # ours wins over the client's
    assert first.headers["x-team"] == "video" and "x-extra" not in first.headers
    assert second.headers["x-team"] == "audio" and second.headers["x-extra"] == "1"
    assert third.headers["x-call"] == "c" and "x-extra" not in third.headers
    assert third.headers["user-agent"].startswith("onstage-python/")
    assert fourth.url.params["tenant"] == "t1" and fourth.url.params["q"] == "1"
    assert fourth.headers["cookie"] == "sid=cookie-1"
    assert fourth.headers["authorization"] == f"Bearer {TOKEN}"
    assert not http.is_closed
    assert http.headers["authorization"] == "Bearer someone-elses-token"  # never mutated
    await http.aclose()


async def test_own_http_client_is_closed_by_its_owner_only() -> None:
    client = onstage.RealtimeKit(api_token="t", account_id="a", app_id="b")
    async with client:
        async with client.with_options(app_id="c", timeout=2.0) as copy:
            assert copy._http is client._http
        assert not client._http.is_closed  # closing a with_options() copy leaves the shared pool open
    assert client._http.is_closed


async def test_non_json_success_is_a_validation_error() -> None:
    rec = Recorder(httpx2.Response(200, content=b"<html>oops</html>"))
    async with rtk(rec) as client:
        with pytest.raises(onstage.ResponseValidationError, match="get_meeting"):
            await client.meetings.get("m-1")


async def test_missing_required_field_is_a_validation_error() -> None:
    rec = Recorder(ok({"title": "no id"}))
    async with rtk(rec) as client:
        with pytest.raises(onstage.ResponseValidationError, match=r"get_meeting.*KeyError.*'id'"):
            await client.meetings.get("m-1")


async def test_hooks_are_called() -> None:
    events: list[str] = []

    async def on_response(response: httpx2.Response) -> None:
        events.append(f"response {response.status_code}")

    rec = Recorder(ok(meeting(1)))
    async with rtk(
        rec, on_request=[lambda r: events.append(f"request {r.method}")], on_response=[on_response]
    ) as c:
        await c.meetings.get("m-1")
    assert events == ["request GET", "response 200"]
