"""The control API's engine: inspect requests, count them, reset state, manage faults and run the
registered services' actions (what their users, encoders and time would do) over HTTP:
``POST /_sandbox/<action>`` with the keyword arguments as a JSON object, ``POST /_sandbox/reset``,
``POST /_sandbox/flush_webhooks``; ``GET /_sandbox/requests``, ``GET /_sandbox/count?key=...``,
``GET /_sandbox/deliveries``, ``POST /_sandbox/faults`` / ``DELETE /_sandbox/faults``; ``GET /_sandbox/``
lists them all (``listing``).

Every action and inspection runs through ``ControlBase._run``: in the caller's thread here, in the
sandbox's thread for a subclass that marshals (the threaded sandbox's control).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from .asgi import Request
from .core import Core, RecordedRequest
from .routes import RouteIndex, route_matches, short_path
from .service import Action

__all__ = ["BUILTIN_ACTIONS", "ControlBase", "describe"]

P = ParamSpec("P")
T = TypeVar("T")

#: The engine's own control actions: ``(method, name, what it does)``.
BUILTIN_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("GET", "requests", "The requests received so far: method, path, operation id, body, fault, status."),
    (
        "GET",
        "count",
        "How many requests an operation id or a route received: ?key=create_meeting or ?key=POST /meetings.",
    ),
    ("GET", "deliveries", "The webhook deliveries so far: api, url, event, status code, error, done."),
    (
        "POST",
        "faults",
        "Add a fault rule: {kind, route?, operation_id?, rate?, times?, retry_after?, delay?, status?}.",
    ),
    ("DELETE", "faults", "Remove every fault rule."),
    ("POST", "flush_webhooks", "Wait until every queued webhook delivery is done."),
    ("POST", "reset", "Forget all state, recorded requests, faults and deliveries."),
)

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def describe(action: Callable[..., Any]) -> str:
    """The first sentence of ``action``'s docstring, on one line."""
    doc = inspect.getdoc(action) or ""
    paragraph = " ".join(doc.split("\n\n", 1)[0].split())
    return _SENTENCE_END.split(paragraph, 1)[0]


class ControlBase:
    """Request inspection, reset and the HTTP control API; the typed actions come from subclasses."""

    def __init__(self, core: Core) -> None:
        self._core = core
        #: Every service's control actions by name.
        self.actions: dict[str, Action] = {}
        for service in core.services:
            self.actions.update(service.actions)
        self._routes = core.faults.routes or RouteIndex(core.spec)

    def _run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)``: where every action and inspection runs (here: in the caller's
        thread; a subclass may run it elsewhere)."""
        return fn(*args, **kwargs)

    # -- inspection --------------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received so far (the live list; a threaded control hands out a copy)."""
        return self._run(self._requests)

    def count(self, key: str) -> int:
        """Requests received for an operation id (``"create_meeting"``) or a route (``"POST /meetings"``,
        the path below the API's bound ids).

        A key that names no operation of the spec raises ``UnknownRouteError`` (a ``ValueError``)
        with the closest operation ids or routes."""
        return self._run(self._count, key)

    def reset(self) -> None:
        """Forget all state, recorded requests, faults and deliveries."""
        self._run(self._reset)

    def listing(self) -> list[dict[str, Any]]:
        """What ``GET /_sandbox/`` answers: every control action's name, method, path and one-line
        description (and, for a service's action, its arguments)."""
        out: list[dict[str, Any]] = [
            {"name": name, "method": method, "path": f"/_sandbox/{name}", "description": text}
            for method, name, text in BUILTIN_ACTIONS
        ]
        for name, action in self.actions.items():
            arguments = list(inspect.signature(action).parameters)[1:]  # less the world
            out.append(
                {
                    "name": name,
                    "method": "POST",
                    "path": f"/_sandbox/{name}",
                    "description": describe(action),
                    "arguments": arguments,
                }
            )
        return out

    def _requests(self) -> list[RecordedRequest]:
        return self._core.requests

    def _count(self, key: str) -> int:
        if " " not in key:
            self._routes.check_operation(key)
            return sum(1 for r in self._core.requests if r.operation_id == key)
        self._routes.check_route(key)
        total = 0
        for rec in self._core.requests:
            if rec.operation_id is None:
                continue
            located = self._core.locate(rec.path)
            op = self._core.spec.operations[rec.operation_id]
            template, concrete = short_path(op, located[1] if located else rec.path)
            total += route_matches(key, rec.method, template, concrete)
        return total

    def _reset(self) -> None:
        self._core.world.reset()
        self._core.requests.clear()
        self._core.faults.clear()
        self._core.world.dispatcher.clear()

    # -- HTTP --------------------------------------------------------------------------------------
    async def http(self, request: Request) -> tuple[int, Any]:
        action = request.path.removeprefix("/_sandbox").strip("/")
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
        if method == "GET" and action == "":
            return 200, {"actions": self.listing()}
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
            return 200, {"key": query.get("key", ""), "count": self._count(query.get("key", ""))}
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
            self._reset()
            return 200, {"ok": True}
        if method == "POST" and action in self.actions:
            return 200, self.actions[action](self._core.world, **kwargs)
        return 404, {"error": f"unknown control action {method} /_sandbox/{action}"}
