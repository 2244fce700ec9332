from __future__ import annotations

import base64
import json
from typing import Any

import httpx2
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from onstage.testing import Sandbox

pytestmark = pytest.mark.anyio

EVENTS = [
    "meeting.started",
    "meeting.participantJoined",
    "meeting.participantLeft",
    "meeting.ended",
    "recording.statusUpdate",
    "livestreaming.statusUpdate",
]


async def test_realtimekit_deliveries_are_signed(sb: Sandbox, receiver: Any) -> None:
    async with httpx2.AsyncClient() as http:
        key_doc = (await http.get(f"{sb.url}/.well-known/webhooks.json")).json()
    assert key_doc["success"] is True and key_doc["message"] == ""
    assert key_doc["data"]["publicKey"] == sb.webhook_public_key_pem
    public_key = serialization.load_pem_public_key(key_doc["data"]["publicKey"].encode())
    rtk = sb.realtimekit()
    hook = await rtk.webhooks.create(name="all", url=receiver.url, events=EVENTS)
    meeting = await rtk.meetings.create(title="Signed")
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="a", name="A")
    rec = await rtk.recordings.start(meeting_id=meeting.id)
    await rtk.recordings.stop(rec.id)
    await rtk.livestreams.start(meeting.id)
    await rtk.livestreams.stop(meeting.id)
    sb.leave("acc-1", "app-1", meeting.id, custom_participant_id="a")
    await sb.flush_webhooks()
    events = [json.loads(body)["event"] for _, body in receiver.received]
    assert events[:2] == ["meeting.started", "meeting.participantJoined"]
    assert events[-2:] == ["meeting.participantLeft", "meeting.ended"]
    assert events.count("recording.statusUpdate") == 3 and events.count("livestreaming.statusUpdate") == 2
    for headers, body in receiver.received:
        assert headers["rtk-webhook-id"] == hook.id and headers["rtk-uuid"]
        public_key.verify(
            base64.b64decode(headers["rtk-signature"]), body, padding.PKCS1v15(), hashes.SHA256()
        )  # type: ignore[union-attr,call-arg,arg-type]
    joined = json.loads(receiver.received[1][1])
    assert joined["participant"]["customParticipantId"] == "a" and joined["meeting"]["id"] == meeting.id
    ended = json.loads(receiver.received[-1][1])
    assert ended["reason"] == "ALL_PARTICIPANTS_LEFT" and ended["meeting"]["endedAt"]
    assert all(d.ok for d in sb.deliveries)


async def test_webhook_verifier_accepts_sandbox_deliveries(sb: Sandbox, receiver: Any) -> None:
    from onstage.webhooks.realtimekit import WebhookVerifier

    rtk = sb.realtimekit()
    await rtk.webhooks.create(name="w", url=receiver.url, events=["meeting.started"])
    meeting = await rtk.meetings.create(title="Verified")
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="a")
    await sb.flush_webhooks()
    headers, body = receiver.received[0]
    verifier = WebhookVerifier(public_key=sb.webhook_public_key_pem)
    event = await verifier.unwrap(body, headers)
    assert event.event == "meeting.started" and event.meeting is not None and event.meeting.id == meeting.id


async def test_disabled_and_unsubscribed_webhooks_are_not_called(sb: Sandbox, receiver: Any) -> None:
    rtk = sb.realtimekit()
    hook = await rtk.webhooks.create(name="w", url=receiver.url, events=["meeting.ended"])
    off = await rtk.webhooks.create(name="off", url=receiver.url, events=["meeting.started"], enabled=False)
    meeting = await rtk.meetings.create(title="Quiet")
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="a")
    await sb.flush_webhooks()
    assert receiver.received == [] and off.id != hook.id
    sb.leave("acc-1", "app-1", meeting.id, custom_participant_id="a")  # the subscribed event does arrive
    await sb.flush_webhooks()
    assert [json.loads(body)["event"] for _, body in receiver.received] == ["meeting.ended"]


async def test_failed_deliveries_are_recorded(sb: Sandbox, receiver: Any) -> None:
    receiver.status = 500
    rtk = sb.realtimekit()
    await rtk.webhooks.create(name="w", url=receiver.url, events=["meeting.started"])
    meeting = await rtk.meetings.create(title="Failing")
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="a")
    await sb.flush_webhooks()
    assert len(receiver.received) == 3  # first try + 2 retries on 5xx
    assert sb.deliveries[0].status_code == 500 and not sb.deliveries[0].ok


async def test_tpstreams_live_status_webhooks(receiver: Any) -> None:
    async with Sandbox(server_start_delay=0.05) as sb:
        tp = sb.tpstreams()
        await tp.webhooks.create(url=receiver.url, secret_token="s3cret")
        asset = await tp.live_streams.create(title="Hooked")
        await tp.live_streams.wait_until_ready(asset.id, timeout=5, interval=0.05)
        sb.encoder_connect("org1", asset.id)
        await tp.live_streams.stop(asset.id)
        await sb.flush_webhooks()
        assert all(h["x-streams-token"] == "s3cret" for h, _ in receiver.received)
        bodies = [json.loads(b) for _, b in receiver.received]
        assert bodies[0]["id"] == asset.id and bodies[0]["live_stream"]["rtmp_url"]
        assert [b["live_stream"]["status"] for b in bodies] == ["Not Started", "Streaming", "Stopped"]
