"""A Flask app on onstage's synchronous client: a view that creates a RealtimeKit meeting, and the
endpoint that receives RealtimeKit webhooks (WSGI: the verifier fetches the public key with a
blocking request the first time, then follows key rotations).

    CLOUDFLARE_API_TOKEN=… CLOUDFLARE_ACCOUNT_ID=… REALTIMEKIT_APP_ID=… flask --app examples.flask_app run

Django is the same: one module-level client and verifier, ``verifier.unwrap_sync(request.body,
request.headers)`` in the view. ``tests/sync/test_flask_example.py`` runs this app against the
sandbox.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from onstage.sync import RealtimeKit
from onstage.webhooks import (
    PublicKeyUnavailableError,
    RealtimeKitEvent,
    RealtimeKitWebhookVerifier,
    WebhookVerificationError,
)


def create_app(rtk: RealtimeKit | None = None, verifier: RealtimeKitWebhookVerifier | None = None) -> Flask:
    """The app. One client and one verifier per process, shared by its request threads."""
    app = Flask(__name__)
    client = rtk if rtk is not None else RealtimeKit()  # credentials from the environment
    checker = verifier if verifier is not None else RealtimeKitWebhookVerifier()
    received: list[RealtimeKitEvent] = []
    app.extensions["received"] = received

    @app.post("/meetings")
    def create_meeting() -> tuple[Response, int]:
        meeting = client.meetings.create(title=str((request.get_json() or {}).get("title", "")))
        return jsonify(id=meeting.id, title=meeting.title), 201

    @app.post("/webhooks/realtimekit")
    def realtimekit_webhook() -> tuple[Response | str, int]:
        try:
            event = checker.unwrap_sync(request.get_data(), request.headers)
        except PublicKeyUnavailableError:
            return "", 503  # the key could not be fetched: the sender retries later
        except WebhookVerificationError as exc:
            return jsonify(error=str(exc)), 400  # not from RealtimeKit: never retried
        received.append(event)
        return "", 204

    return app
