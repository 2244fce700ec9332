"""RealtimeKit webhook events: camelCase payloads, RSA-signed, sent to the app's subscribed webhooks."""

from __future__ import annotations

import uuid
from typing import Any

from ...webhooks.realtimekit import DELIVERY_ID_HEADER, SIGNATURE_HEADER, WEBHOOK_ID_HEADER
from .._engine.faker import iso_now
from .._engine.handler import compact_json
from .._engine.webhooks import Delivery
from .._engine.world import World
from .state import API, RtkApp

__all__ = ["emit", "meeting_event"]


def emit(world: World, app: RtkApp, event: str, payload: dict[str, Any]) -> None:
    """Queue ``event`` to every enabled webhook of the app subscribed to it."""
    message = {"event": event, **payload}
    for webhook in list(app.webhooks.values()):
        if webhook.get("enabled", True) and event in webhook.get("events", []):
            _deliver(world, webhook["id"], webhook["url"], message)


def _deliver(world: World, webhook_id: str, url: str, payload: dict[str, Any]) -> None:
    body = compact_json(payload)
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: world.dispatcher.sign(body),
        DELIVERY_ID_HEADER: str(uuid.uuid4()),
        WEBHOOK_ID_HEADER: webhook_id,
    }
    world.dispatcher.enqueue(Delivery(API.name, url, str(payload.get("event")), body, headers))


def meeting_event(app: RtkApp, meeting_id: str, session: dict[str, Any] | None = None) -> dict[str, Any]:
    meeting = app.meetings.get(meeting_id, {"id": meeting_id, "title": None, "created_at": iso_now()})
    out: dict[str, Any] = {
        "id": meeting_id,
        "sessionId": session["id"] if session else None,
        "title": meeting.get("title"),
        "roomName": meeting_id,
        "status": "LIVE" if session and session["status"] == "LIVE" else "ENDED",
        "createdAt": meeting.get("created_at"),
        "startedAt": session["started_at"] if session else None,
        "organizedBy": {"id": app.app_id, "name": "onstage sandbox"},
    }
    if session and session.get("ended_at"):
        out["endedAt"] = session["ended_at"]
    return out
