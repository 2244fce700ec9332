"""examples/flask_app.py against the sandbox, with no async code: a Flask view creates a meeting with
the sync client, the sandbox delivers a signed ``meeting.started`` webhook to the app served on
loopback, and the app's verifier fetches the sandbox's public key with a blocking request."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from flask import Flask
from werkzeug.serving import make_server

from onstage.testing import Sandbox, ThreadedSandbox
from onstage.webhooks import MeetingStarted, RealtimeKitWebhookVerifier

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "flask_app.py"


@pytest.fixture(scope="module")
def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("flask_app_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def served(example: ModuleType) -> Iterator[tuple[Flask, str, ThreadedSandbox]]:
    with Sandbox.start_in_thread() as sb:
        verifier = RealtimeKitWebhookVerifier(key_url=sb.url + "/.well-known/webhooks.json")
        app = example.create_app(sb.realtimekit(), verifier)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield app, f"http://127.0.0.1:{server.server_port}", sb
        finally:
            server.shutdown()
            thread.join(5)


def test_view_creates_and_webhook_arrives_verified(served: tuple[Flask, str, ThreadedSandbox]) -> None:
    app, url, sb = served
    rtk = sb.realtimekit()
    rtk.webhooks.create(name="flask", url=url + "/webhooks/realtimekit", events=["meeting.started"])
    created = app.test_client().post("/meetings", json={"title": "From Flask"})
    assert created.status_code == 201
    meeting_id = created.get_json()["id"]

    sb.join("acc-1", "app-1", meeting_id, custom_participant_id="u1")
    sb.flush_webhooks()

    received = app.extensions["received"]
    assert [type(e) for e in received] == [MeetingStarted]
    assert received[0].meeting.id == meeting_id
    deliveries = sb.deliveries
    assert deliveries and all(d.ok for d in deliveries)


def test_a_forged_delivery_is_refused(served: tuple[Flask, str, ThreadedSandbox]) -> None:
    app, _, _ = served
    forged = app.test_client().post(
        "/webhooks/realtimekit",
        data=b'{"event": "meeting.started", "meeting": {"id": "m1"}}',
        headers={"rtk-signature": "AAAA", "content-type": "application/json"},
    )
    assert forged.status_code == 400 and "signature" in forged.get_json()["error"]
