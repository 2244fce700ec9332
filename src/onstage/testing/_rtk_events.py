"""RealtimeKit webhook events: camelCase payloads sent to the app's subscribed webhooks."""

from __future__ import annotations

from typing import Any

from ._core import World, iso_now
from ._realtimekit import RtkApp

__all__ = ["emit", "meeting_event"]


def emit(world: World, app: RtkApp, event: str, payload: dict[str, Any]) -> None:
    body = {"event": event, **payload}
    for webhook in list(app.webhooks.values()):
        if webhook.get("enabled", True) and event in webhook.get("events", []):
            world.dispatcher.realtimekit(webhook["id"], webhook["url"], body)


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
