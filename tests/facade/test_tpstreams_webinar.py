"""TP Streams and Webinar specifics: auth headers, live-stream helpers, start responses."""

from __future__ import annotations

import datetime
import json

import httpx2
import pytest

import onstage

from .helpers import TP_TOKEN, WB_KEY, Recorder, tp, wb

pytestmark = pytest.mark.anyio


def live(ready: bool, status: str = "Not Started") -> dict[str, object]:
    return {
        "id": "AuC9yX2EtBr",
        "title": "Class",
        "type": "livestream",
        "bytes": None,
        "video": None,
        "live_stream": {
            "rtmp_url": "rtmp://1.2.3.4/live" if ready else "",
            "stream_key": "org-x-live-KEY" if ready else None,
            "status": status,
            "start": "2026-12-01 15:30:00",
            "brand_new": 1,
        },
        "parent_id": None,
    }


async def test_tp_auth_trailing_slash_and_scheduled_start() -> None:
    rec = Recorder(httpx2.Response(201, json=live(False)))
    async with tp(rec) as client:
        a = await client.live_streams.create(title="Class", start=datetime.datetime(2026, 12, 1, 15, 30))
    req = rec.requests[0]
    assert req.headers["authorization"] == f"Token {TP_TOKEN}"
    assert req.url.path == "/api/v1/org1/assets/live_streams/"
    assert json.loads(req.content) == {"title": "Class", "start": "2026-12-01 15:30:00"}
    assert a.live_stream is not None and a.live_stream.status == "Not Started"
    assert a.live_stream.additional_properties == {"brand_new": 1}


async def test_tp_rejects_aware_start() -> None:
    async with tp(Recorder(httpx2.Response(201, json=live(False)))) as client:
        with pytest.raises(onstage.InvalidArgumentError, match="naive"):
            await client.live_streams.create(
                title="x", start=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
            )


async def test_wait_until_ready_polls_until_rtmp_and_key() -> None:
    rec = Recorder(
        httpx2.Response(200, json=live(False)),
        httpx2.Response(200, json=live(False)),
        httpx2.Response(200, json=live(True, "Available")),
    )
    async with tp(rec) as client:
        ready = await client.live_streams.wait_until_ready("AuC9yX2EtBr", timeout=5, interval=0.01)
    assert ready.live_stream is not None and ready.live_stream.rtmp_url == "rtmp://1.2.3.4/live"
    assert not ready.live_stream.status.is_known or ready.live_stream.status == "Available"
    assert len(rec.requests) == 3 and rec.requests[0].url.path == "/api/v1/org1/assets/AuC9yX2EtBr/"


async def test_wait_until_ready_times_out() -> None:
    async with tp(Recorder(httpx2.Response(200, json=live(False)))) as client:
        with pytest.raises(onstage.WaitTimeoutError) as info:
            await client.live_streams.wait_until_ready("AuC9yX2EtBr", timeout=0.2, interval=0.02)
    assert info.value.last is not None and info.value.last.id == "AuC9yX2EtBr"


async def test_tp_stop_and_delete() -> None:
    rec = Recorder(
        httpx2.Response(200, json={"message": "Live stream stopped successfully", "trim_scheduled": False}),
        httpx2.Response(204),
    )
    async with tp(rec) as client:
        stopped = await client.live_streams.stop("a1")
        deleted = await client.live_streams.delete("a1")
    assert stopped.trim_scheduled is False and deleted is None
    assert [r.url.path for r in rec.requests] == [
        "/api/v1/org1/assets/a1/stop_live_stream/",
        "/api/v1/org1/assets/a1/",
    ]


SESSION = {"id": "s-1", "room_id": "r-1", "title": "Q3", "status": "scheduled", "mode": "webcam"}


async def test_webinar_api_key_and_start_session() -> None:
    start = {
        "session": {**SESSION, "status": "live"},
        "livekit_token": "eyJ.LIVEKIT-SECRET",
        "rtmp": {"ingress_id": "IN_1", "url": "rtmp://ingest/live", "stream_key": "SK-SECRET"},
        "rtmp_setup": {
            "server": "rtmp://ingest/live",
            "stream_key": "SK-SECRET",
            "instructions": {"step1": "Open OBS", "step2": "Paste", "step3": "Go"},
        },
        "whip_url": "https://whip.test/w/1",
    }
    rec = Recorder(httpx2.Response(200, json={"success": True, "data": start, "timestamp": 1}))
    async with wb(rec) as client:
        started = await client.sessions.start("s-1")
    assert rec.requests[0].headers["x-api-key"] == WB_KEY and "authorization" not in rec.requests[0].headers
    assert started.whip_url == "https://whip.test/w/1" and started.rtmp.url == "rtmp://ingest/live"
    assert started.rtmp_setup.instructions.step1 == "Open OBS"
    assert started.session.status == "live"
    assert "LIVEKIT-SECRET" not in repr(started) and "SK-SECRET" not in repr(started)


async def test_webinar_bearer_and_created_session_reads_through() -> None:
    created = {"session": SESSION, "rtmp_url": "rtmp://x/live", "stream_key": "k"}
    rec = Recorder(
        httpx2.Response(201, json={"success": True, "data": created, "timestamp": 1}),
        httpx2.Response(201, json={"success": True, "data": {"room": {"id": "r-1", "title": "Town hall"}}}),
    )
    async with onstage.Webinar(
        bearer_token="jwt-FAKE-123456", http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(rec))
    ) as client:
        session = await client.rooms.sessions.create("r-1", title="Q3", preset_id="p-1", mode="webcam")
        room = await client.rooms.create(title="Town hall")
        await client._http.aclose()
    assert session.id == "s-1" and session.rtmp_url == "rtmp://x/live"
    assert room.id == "r-1" and room.title == "Town hall"
    assert rec.requests[0].headers["authorization"] == "Bearer jwt-FAKE-123456"
    assert json.loads(rec.requests[0].content) == {"title": "Q3", "preset_id": "p-1", "mode": "webcam"}


def test_webinar_needs_exactly_one_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TENBYTE_API_KEY", "WEBINAR_API_KEY", "WEBINAR_BEARER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(onstage.ConfigurationError):
        onstage.Webinar()
    with pytest.raises(onstage.ConfigurationError):
        onstage.Webinar(api_key="a", bearer_token="b")


async def test_uploads_send_binary_fields_as_files_and_refuse_anything_else() -> None:
    rec = Recorder(httpx2.Response(200, json={"detail": "ok"}))
    async with tp(rec) as client:
        await client.assets.upload_subtitle("a1", subtitle=b"WEBVTT\n", name="English", language="en")
        await client.assets.upload_thumbnail("a1", thumbnail=("t.png", b"\x89PNG", "image/png"))
        with pytest.raises(onstage.InvalidArgumentError, match="subtitle must be bytes"):
            await client.assets.upload_subtitle("a1", subtitle="/path/to/en.vtt")  # type: ignore[arg-type]
    assert len(rec.requests) == 2  # the refused call sent nothing
    first, second = (r.read() for r in rec.requests)
    assert b'name="subtitle"; filename="subtitle"' in first and b"WEBVTT" in first
    assert b'name="language"\r\n\r\nen' in first
    assert b'name="thumbnail"; filename="t.png"' in second and b"image/png" in second
