"""The control API's engine: inspect requests, count them, reset state, manage faults and run the
registered services' actions (what their users, encoders and time would do) over HTTP:
``POST /_sandbox/<action>`` with the keyword arguments as a JSON object, ``POST /_sandbox/reset``,
``POST /_sandbox/flush_webhooks``; ``GET /_sandbox/requests``, ``GET /_sandbox/count?key=...``,
``GET /_sandbox/deliveries``, ``POST /_sandbox/faults`` / ``DELETE /_sandbox/faults``.
"""

from __future__ import annotations

import json
from typing import Any

from .asgi import Request
from .core import Core, RecordedRequest
from .faults import route_matches, short_path
from .service import Action

__all__ = ["ControlBase"]


class ControlBase:
    """Request inspection, reset and the HTTP control API; the typed actions come from subclasses."""

    def __init__(self, core: Core) -> None:
        self._core = core
        #: Every service's control actions by name.
        self.actions: dict[str, Action] = {}
        for service in core.services:
            self.actions.update(service.actions)

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
            located = self._core.locate(rec.path)
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
    async def http(self, request: Request) -> tuple[int, Any]:
        action = request.path.removeprefix("/_sandbox/").strip("/")
        method = request.method
        raw = request.body
        try:
            kwargs = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return 400, {"error": "body must be a JSON object"}
        if not isinstance(kwargs, dict):
            return 400, {"error": "body must be a JSON object"}
        try:
            query = {k: v[-1] for k, v in request.query.items()}
            return await self._dispatch(method, action, kwargs, query)
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
        if method == "POST" and action in self.actions:
            return 200, self.actions[action](self._core.world, **kwargs)
        return 404, {"error": f"unknown control action {method} /_sandbox/{action}"}
