"""The control API: drive what real users and encoders would do, inspect requests, reset state.

Python: ``sb.control.join(...)`` (also ``sb.join(...)``). HTTP: ``POST /_sandbox/<action>`` with the
keyword arguments as a JSON object (``join``, ``leave``, ``finish_recording``, ``finish_livestream``,
``livestream_encoder_connect``, ``encoder_connect``, ``encoder_disconnect``, ``host_publish``,
``expire_session``, ``flush_webhooks``, ``reset``); ``GET /_sandbox/requests``,
``GET /_sandbox/count?key=...``, ``GET /_sandbox/deliveries``, ``POST /_sandbox/faults`` /
``DELETE /_sandbox/faults``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import _rtk_live, _rtk_recordings, _rtk_stream, _tp_live, _wb_live, _webinar
from ._faults import route_matches, short_path
from ._spec import split_api

if TYPE_CHECKING:
    from starlette.requests import Request

    from ._app import Core, RecordedRequest

__all__ = ["ACTIONS", "Control"]

#: The control methods that act like the services' other clients (also ``POST /_sandbox/<name>`` and
#: ``sb.<name>(...)``).
ACTIONS = frozenset(
    {
        "join",
        "leave",
        "finish_recording",
        "finish_livestream",
        "livestream_encoder_connect",
        "encoder_connect",
        "encoder_disconnect",
        "host_publish",
        "expire_session",
    }
)


class Control:
    """What the sandbox's users, encoders and time would do, plus request inspection."""

    def __init__(self, core: Core) -> None:
        self._core = core

    # -- RealtimeKit -------------------------------------------------------------------------------
    def join(
        self,
        account_id: str,
        app_id: str,
        meeting_id: str,
        *,
        custom_participant_id: str,
        name: str | None = None,
        preset_name: str | None = None,
    ) -> dict[str, Any]:
        """A participant joins the meeting (starts the session on the first join). Returns the peer."""
        return _rtk_live.join(
            self._core.world,
            account_id,
            app_id,
            meeting_id,
            custom_participant_id=custom_participant_id,
            name=name,
            preset_name=preset_name,
        )

    def leave(
        self,
        account_id: str,
        app_id: str,
        meeting_id: str,
        *,
        custom_participant_id: str | None = None,
        peer_id: str | None = None,
    ) -> dict[str, Any]:
        """A participant leaves; the last one out ends the session."""
        return _rtk_live.leave(
            self._core.world,
            account_id,
            app_id,
            meeting_id,
            custom_participant_id=custom_participant_id,
            peer_id=peer_id,
        )

    def finish_recording(self, account_id: str, app_id: str, recording_id: str) -> dict[str, Any]:
        """The recording stops on its own and is uploaded (``UPLOADED`` with a download URL)."""
        return _rtk_recordings.finish_recording(self._core.world, account_id, app_id, recording_id)

    def finish_livestream(
        self, account_id: str, app_id: str, *, livestream_id: str | None = None, meeting_id: str | None = None
    ) -> dict[str, Any]:
        """A livestream ends on its own (``IDLE``; webhook status ``OFFLINE``)."""
        return _rtk_stream.finish_livestream(
            self._core.world, account_id, app_id, livestream_id=livestream_id, meeting_id=meeting_id
        )

    def livestream_encoder_connect(self, account_id: str, app_id: str, livestream_id: str) -> dict[str, Any]:
        """An RTMP encoder starts pushing to an independent RealtimeKit livestream (``LIVE``)."""
        return _rtk_stream.connect_encoder(self._core.world, account_id, app_id, livestream_id)

    # -- TP Streams --------------------------------------------------------------------------------
    def encoder_connect(self, organization_id: str, asset_id: str) -> dict[str, Any]:
        """An encoder publishes to a TP Streams live stream whose server is up: ``Streaming``."""
        return _tp_live.encoder_connect(self._core.world, organization_id, asset_id)

    def encoder_disconnect(self, organization_id: str, asset_id: str) -> dict[str, Any]:
        """The encoder stops publishing: ``Disconnected``."""
        return _tp_live.encoder_disconnect(self._core.world, organization_id, asset_id)

    # -- Webinar -----------------------------------------------------------------------------------
    def host_publish(self, session_id: str, publishing: bool = True) -> dict[str, Any]:
        """The webinar host starts (or stops) publishing media into the session."""
        return _wb_live.host_publish(self._core.world, session_id, publishing=publishing)

    def expire_session(self, session_id: str) -> dict[str, Any]:
        """A scheduled webinar session's time passes without it starting: ``expired``. Start, go-live,
        join and end then answer 400. (It also happens on its own ``EXPIRE_AFTER`` past the schedule.)"""
        return _webinar.expire_session(self._core.world, session_id)

    # -- inspection --------------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        return self._core.requests

    def count(self, key: str) -> int:
        """Requests received for an operation id (``"create_meeting"``) or a route (``"POST /meetings"``)."""
        if " " not in key:
            return sum(1 for r in self._core.requests if r.operation_id == key)
        total = 0
        for rec in self._core.requests:
            if rec.operation_id is None:
                continue
            located = split_api(rec.path)
            op = self._core.spec.operations[rec.operation_id]
            template, concrete = short_path(op, located[1] if located else rec.path)
            total += route_matches(key, rec.method, template, concrete)
        return total

    def reset(self) -> None:
        """Forget all state, recorded requests, faults and deliveries."""
        self._core.world.reset()
        self._core.requests.clear()
        self._core.faults.clear()
        self._core.world.dispatcher.clear()

    # -- HTTP --------------------------------------------------------------------------------------
    async def http(self, request: Request, raw: bytes) -> tuple[int, Any]:
        action = request.url.path.removeprefix("/_sandbox/").strip("/")
        method = request.method.upper()
        try:
            kwargs = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return 400, {"error": "body must be a JSON object"}
        if not isinstance(kwargs, dict):
            return 400, {"error": "body must be a JSON object"}
        try:
            return await self._dispatch(method, action, kwargs, dict(request.query_params))
        except (LookupError, RuntimeError, TypeError, ValueError) as exc:
            return 400 if not isinstance(exc, LookupError) else 404, {"error": str(exc)}

    async def _dispatch(
        self, method: str, action: str, kwargs: dict[str, Any], query: dict[str, str]
    ) -> tuple[int, Any]:
        core = self._core
        if method == "GET" and action == "requests":
            return 200, [
                {
                    "method": r.method,
                    "path": r.path,
                    "operation_id": r.operation_id,
                    "body": r.body,
                    "fault": r.fault,
                    "status": r.status,
                }
                for r in core.requests
            ]
        if method == "GET" and action == "count":
            return 200, {"key": query.get("key", ""), "count": self.count(query.get("key", ""))}
        if method == "GET" and action == "deliveries":
            return 200, [
                {
                    "api": d.api,
                    "url": d.url,
                    "event": d.event,
                    "status_code": d.status_code,
                    "error": d.error,
                    "done": d.done,
                }
                for d in core.world.dispatcher.deliveries
            ]
        if action == "faults" and method == "DELETE":
            core.faults.clear()
            return 200, {"ok": True}
        if action == "faults" and method == "POST":
            rule = core.faults.add(**kwargs)
            return 201, {"kind": rule.kind, "route": rule.route, "operation_id": rule.operation_id}
        if method == "POST" and action == "flush_webhooks":
            await core.world.dispatcher.flush()
            return 200, {"ok": True}
        if method == "POST" and action == "reset":
            self.reset()
            return 200, {"ok": True}
        if method == "POST" and action in ACTIONS:
            return 200, getattr(self, action)(**kwargs)
        return 404, {"error": f"unknown control action {method} /_sandbox/{action}"}
