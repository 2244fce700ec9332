"""Webhooks delivered in process to the app under test: ``Sandbox(apps={origin: asgi_app})`` and
``sb.add_app(origin, app)`` send every delivery whose URL has that origin through
``httpx2.ASGITransport``, signing headers and all; the app verifies them with onstage's verifiers."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import onstage
from onstage.testing import Sandbox, WebhookReceiver
from onstage.webhooks.realtimekit import WebhookVerifier

pytestmark = pytest.mark.anyio


class App:
    """A small Starlette app under test: it verifies RealtimeKit deliveries and records the events."""

    def __init__(self, public_key_pem: str | None = None, *, status: int = 200) -> None:
        self.verifier = WebhookVerifier(public_key=public_key_pem) if public_key_pem else None
        self.events: list[str] = []
        self.refused: list[str] = []
        self.hosts: list[str] = []
        self.status = status
        self.asgi = Starlette(routes=[Route("/hooks/rtk", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        self.hosts.append(request.headers["host"])
        assert self.verifier is not None, "trust the sandbox's key first"
        try:
            event = await self.verifier.unwrap(await request.body(), request.headers)
        except onstage.WebhookVerificationError as exc:
            self.refused.append(str(exc))
            return JSONResponse({"ok": False}, status_code=400)
        self.events.append(event.event)
        return JSONResponse({"ok": True}, status_code=self.status)


async def test_deliveries_reach_an_app_given_to_the_constructor() -> None:
    app = App()
    async with Sandbox(apps={"https://app.example": app.asgi}) as sb:
        app.verifier = WebhookVerifier(public_key=sb.webhook_public_key_pem)
        rtk = sb.realtimekit()
        await rtk.webhooks.create(
            name="app", url="https://app.example/hooks/rtk", events=["meeting.started", "meeting.ended"]
        )
        meeting = await rtk.meetings.create(title="In process")
        sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1")
        sb.leave("acc-1", "app-1", meeting.id, custom_participant_id="u1")
        await sb.flush_webhooks()
    assert app.events == ["meeting.started", "meeting.ended"] and app.refused == []
    assert app.hosts == ["app.example", "app.example"]
    assert [(d.url, d.status_code, d.error) for d in sb.deliveries] == [
        ("https://app.example/hooks/rtk", 200, None)
    ] * 2
    assert all(d.headers["rtk-signature"] for d in sb.deliveries)


async def test_add_app_later_and_other_origins_still_go_over_the_network() -> None:
    async with Sandbox() as sb, WebhookReceiver() as receiver:
        receiver_url = receiver.url
        app = App(sb.webhook_public_key_pem)
        sb.add_app("HTTP://Localhost:8000/", app.asgi)  # normalised: http://localhost:8000
        rtk = sb.realtimekit()
        await rtk.webhooks.create(
            name="app", url="http://localhost:8000/hooks/rtk", events=["meeting.started"]
        )
        await rtk.webhooks.create(name="net", url=receiver.url, events=["meeting.started"])
        await rtk.webhooks.create(
            name="404", url="http://localhost:8000/elsewhere", events=["meeting.started"]
        )
        meeting = await rtk.meetings.create(title="Mixed")
        sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1")
        await sb.flush_webhooks()
    assert app.events == ["meeting.started"]
    assert [json.loads(body)["event"] for _, body in receiver.received] == ["meeting.started"]
    statuses = {d.url: d.status_code for d in sb.deliveries}
    assert statuses == {
        "http://localhost:8000/hooks/rtk": 200,
        receiver_url: 200,
        "http://localhost:8000/elsewhere": 404,
    }


async def test_a_failing_app_is_retried_and_an_app_that_raises_is_a_500() -> None:
    async def broken(scope: object, receive: object, send: object) -> None:
        raise RuntimeError("the app under test crashed")

    async with Sandbox(apps={"https://broken.example": broken}) as sb:
        app = App(sb.webhook_public_key_pem, status=503)
        sb.add_app("https://flaky.example", app.asgi)
        rtk = sb.realtimekit()
        await rtk.webhooks.create(name="f", url="https://flaky.example/hooks/rtk", events=["meeting.started"])
        await rtk.webhooks.create(
            name="b", url="https://broken.example/hooks/rtk", events=["meeting.started"]
        )
        meeting = await rtk.meetings.create(title="Failing")
        sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1")
        await sb.flush_webhooks()
        by_url = {d.url: d for d in sb.deliveries}
        assert by_url["https://flaky.example/hooks/rtk"].status_code == 503
        assert by_url["https://flaky.example/hooks/rtk"].attempts == 3 and len(app.events) == 3
        assert by_url["https://broken.example/hooks/rtk"].status_code == 500
        # the sandbox keeps serving
        assert (await rtk.meetings.get(meeting.id)).id == meeting.id


@pytest.mark.parametrize(
    "origin",
    [
        "app.example",
        "https://app.example/hooks",
        "ftp://app.example",
        "https://",
        "http://[::1",
        "http://:pw@host",
    ],
)
def test_add_app_wants_an_origin(origin: str) -> None:
    app = Starlette()
    with pytest.raises(ValueError, match="origin"):
        Sandbox().add_app(origin, app)
    with pytest.raises(ValueError, match="origin"):
        Sandbox(apps={origin: app})


def test_threaded_sandbox_delivers_to_an_app() -> None:
    with Sandbox.start_in_thread() as sb:
        app = App(sb.webhook_public_key_pem)
        sb.add_app("https://app.example", app.asgi)
        rtk = sb.realtimekit()
        rtk.webhooks.create(name="app", url="https://app.example/hooks/rtk", events=["meeting.started"])
        meeting = rtk.meetings.create(title="Threaded")
        sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1")
        sb.flush_webhooks()
        assert app.events == ["meeting.started"]
        assert [d.status_code for d in sb.deliveries] == [200]
