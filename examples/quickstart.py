"""A tour of onstage against the local sandbox: RealtimeKit, TP Streams and Webinar.

Run with `make demo` (or `python examples/quickstart.py`). Exits non-zero if any step misbehaves.
"""

from __future__ import annotations

import base64
import datetime
import json
import sys
from typing import Any

import anyio
import anyio.abc

from onstage.testing import Sandbox, WebhookReceiver

FAILURES: list[str] = []


def step(text: str) -> None:
    print(f"• {text}")


def check(ok: object, what: str) -> None:
    print(f"  {'ok ' if ok else 'FAIL'} {what}")
    if not ok:
        FAILURES.append(what)


async def verify(sb: Sandbox, headers: dict[str, str], body: bytes) -> bool:
    try:
        from onstage.webhooks.realtimekit import WebhookVerifier  # noqa: PLC0415 - optional extra
    except ImportError:
        from cryptography.hazmat.primitives import hashes, serialization  # noqa: PLC0415
        from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: PLC0415

        key = serialization.load_pem_public_key(sb.webhook_public_key_pem.encode())
        assert isinstance(key, rsa.RSAPublicKey)
        key.verify(base64.b64decode(headers["rtk-signature"]), body, padding.PKCS1v15(), hashes.SHA256())
        return True
    verifier = WebhookVerifier(public_key=sb.webhook_public_key_pem)
    return await verifier.unwrap(body, headers) is not None


async def realtimekit(sb: Sandbox, receiver: WebhookReceiver) -> None:
    print("\n== RealtimeKit ==")
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Quickstart standup")
    step(f"created meeting {meeting.id} ({meeting.title!r})")
    host = await rtk.meetings.participants.add(
        meeting.id, custom_participant_id="host-1", preset_name="group_call_host", name="Hana Host"
    )
    viewer = await rtk.meetings.participants.add(
        meeting.id, custom_participant_id="viewer-1", preset_name="group_call_participant", name="Vic Viewer"
    )
    step(f"added {host.name} and {viewer.name}; tokens look like JWTs")
    check(host.token.count(".") == 2 and viewer.token.count(".") == 2, "participant tokens issued")
    events = [
        "meeting.started",
        "meeting.participantJoined",
        "meeting.participantLeft",
        "meeting.ended",
        "recording.statusUpdate",
        "livestreaming.statusUpdate",
    ]
    hook = await rtk.webhooks.create(name="quickstart", url=receiver.url, events=events)
    step(f"registered webhook {hook.id} -> {receiver.url}")

    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="host-1")
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="viewer-1")
    active = await rtk.active_session.get(meeting.id)
    step(f"two participants joined: session {active.id} has {active.live_participants:g} live")
    check(active.live_participants == 2, "active session counts both participants")

    live = await rtk.livestreams.start(meeting.id)
    step(f"livestream {live.status}: ingest {live.ingest_server}, playback {live.playback_url}")
    check(live.status == "LIVE", "livestream is LIVE")
    await rtk.livestreams.stop(meeting.id)
    step("livestream stopped")

    rec = await rtk.recordings.start(meeting_id=meeting.id)
    step(f"recording {rec.id} {rec.status}")
    rec = await rtk.recordings.stop(rec.id)
    step(f"recording {rec.status}: {rec.download_url}")
    check(rec.status == "UPLOADED" and rec.download_url, "recording uploaded with a download URL")

    sb.leave("acc-1", "app-1", meeting.id, custom_participant_id="viewer-1")
    sb.leave("acc-1", "app-1", meeting.id, custom_participant_id="host-1")
    sessions = [s async for s in rtk.sessions.list(per_page=1)]
    step(f"sessions (auto-paginated, 1 per page): {[str(s.status.value) for s in sessions]}")
    check(len(sessions) == 1 and sessions[0].status == "ENDED", "the session ended when everyone left")

    await sb.flush_webhooks()
    names = [json.loads(body)["event"] for _, body in receiver.received]
    step(f"webhooks received: {', '.join(names)}")
    verified = [await verify(sb, headers, body) for headers, body in receiver.received]
    check(
        names[:1] == ["meeting.started"] and names[-1:] == ["meeting.ended"],
        "meeting started/ended delivered",
    )
    check(verified and all(verified), f"all {len(verified)} deliveries carry a valid rtk-signature")


async def tpstreams(sb: Sandbox) -> None:
    print("\n== TP Streams ==")
    tp = sb.tpstreams()
    instant = await tp.live_streams.create(title="Instant stream")
    step(f"instant live stream {instant.id}: {instant.live_stream.status if instant.live_stream else None}")
    later = await tp.live_streams.create(
        title="Scheduled stream", start=datetime.datetime(2030, 1, 1, 18, 30)
    )
    step(f"scheduled live stream {later.id} for {later.live_stream.start if later.live_stream else None}")
    await tp.live_streams.start_server(later.id)
    ready = await tp.live_streams.wait_until_ready(later.id, timeout=10, interval=0.1)
    live = ready.live_stream
    step(f"server up: rtmp_url={live.rtmp_url if live else None}")
    check(live is not None and live.rtmp_url and live.stream_key, "rtmp_url and stream_key appear")
    sb.encoder_connect("org1", later.id)
    status = (await tp.live_streams.get(later.id)).live_stream
    check(status is not None and status.status == "Streaming", "encoder connected: Streaming")
    stopped = await tp.live_streams.stop(later.id)
    step(stopped.message or "stopped")
    await tp.live_streams.delete(instant.id)
    step("deleted the instant stream")


async def webinar(sb: Sandbox) -> None:
    print("\n== Webinar ==")
    wb = sb.webinar()
    room = await wb.rooms.create(title="Quickstart webinar")
    created = await wb.rooms.sessions.create(
        room.id,
        title="Launch keynote",
        preset_id=sb.webinar_preset_ids[0],  # the sandbox's WHIP preset
    )
    step(f"room {room.id}, session {created.session.id} ({created.session.status})")
    started = await wb.sessions.start(created.session.id)
    step(f"started: status {started.session.status}, WHIP {started.whip_url}")
    setup = started.rtmp_setup
    for text in (setup.instructions.step1, setup.instructions.step2, setup.instructions.step3):
        print(f"    {text}")
    check(started.session.status == "live", "session is live")
    joined = await wb.sessions.join(created.session.id)
    step(f"viewer joined room {joined.room_name}")
    await wb.sessions.end(created.session.id)
    ended = await wb.sessions.get(created.session.id)
    step(f"session {ended.status}")
    check(ended.status == "ended", "session ended")


async def main() -> int:
    async with WebhookReceiver(path="/webhooks") as receiver, Sandbox(server_start_delay=0.3) as sb:
        print(f"sandbox running on {sb.url}")
        await realtimekit(sb, receiver)
        await tpstreams(sb)
        await webinar(sb)
    print()
    if FAILURES:
        print(f"{len(FAILURES)} step(s) failed: {FAILURES}")
        return 1
    print("all steps passed")
    return 0


def run() -> Any:
    return anyio.run(main)


if __name__ == "__main__":
    sys.exit(run())
