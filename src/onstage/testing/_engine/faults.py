"""Fault injection: seeded, per route or operation, with a rate and an optional number of times.

The kinds (``KINDS``), in the order a request meets them:

- ``429``, ``500``, ``502``, ``503``: answer that status in the API's error shape, with
  ``Retry-After``/``retry-after-ms`` of ``retry_after`` seconds; the request is not processed.
- ``non_json``: answer ``status`` (502) with an HTML body; not processed.
- ``reset_before``: close the connection without a byte of response; not processed.
- ``timeout``: read the request and never answer in time: wait until the client gives up and
  closes the connection (or ``delay`` seconds, 120 by default, longer than onstage's default read
  timeout), then close it; not processed. In process (``transport="asgi"``) no read timeout can
  fire, so the call waits ``delay`` and then sees the connection drop: give a short ``delay`` there.
- ``slow``: wait ``delay`` seconds (0.5 by default), then process and answer normally.
- ``reset_after_processing``: process the request (a create creates), then close the connection
  without a response.
- ``truncated``: process the request, then send the status, headers and half the body, and close.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from .routes import RouteIndex, route_matches, short_path
from .spec import Operation

__all__ = ["DEFAULT_DELAY", "KINDS", "FaultRule", "Faults"]

KINDS = frozenset(
    {
        "429",
        "500",
        "502",
        "503",
        "reset_before",
        "reset_after_processing",
        "truncated",
        "non_json",
        "slow",
        "timeout",
    }
)
#: ``delay`` when ``Faults.add`` is not given one: ``slow`` answers late, ``timeout`` never in time.
DEFAULT_DELAY = {"slow": 0.5, "timeout": 120.0}


@dataclass
class FaultRule:
    kind: str
    route: str | None = None
    operation_id: str | None = None
    rate: float = 1.0
    times: int | None = None
    retry_after: float = 1.0
    delay: float = 0.5
    status: int = 502
    fired: int = 0

    def matches(self, op: Operation, method: str, template: str, concrete: str) -> bool:
        if self.operation_id is not None and self.operation_id != op.id:
            return False
        if self.route is None or self.route == "*":
            return True
        return route_matches(self.route, method, template, concrete)


class Faults:
    """``sb.faults.add(route="POST /meetings", kind="500", rate=0.3)``; ``sb.faults.clear()``.

    ``kind`` is one of ``KINDS`` (see the module docstring): ``429``, ``500``, ``502``, ``503``,
    ``non_json``, ``reset_before``, ``timeout``, ``slow``, ``reset_after_processing``, ``truncated``.
    ``delay`` is for ``slow`` (seconds before answering, default 0.5) and ``timeout`` (the longest
    wait for the client to give up, default 120).

    Given the spec's ``routes`` (a sandbox's faults are), ``route`` and ``operation_id`` must name an
    operation of it: a typo raises ``UnknownRouteError`` (a ``ValueError``) with the closest names.
    """

    def __init__(self, seed: int = 0, *, routes: RouteIndex | None = None) -> None:
        self.rng = random.Random(seed)
        self.routes = routes
        self.rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(
        self,
        *,
        kind: str,
        route: str | None = None,
        operation_id: str | None = None,
        rate: float = 1.0,
        times: int | None = None,
        retry_after: float = 1.0,
        delay: float | None = None,
        status: int = 502,
    ) -> FaultRule:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(KINDS)}")
        if not 0.0 <= rate <= 1.0:
            raise ValueError("rate must be between 0 and 1")
        if self.routes is not None:
            if route is not None:
                self.routes.check_route(route)
            if operation_id is not None:
                self.routes.check_operation(operation_id)
        if route is None and operation_id is None:
            route = "*"
        if delay is None:
            delay = DEFAULT_DELAY.get(kind, 0.5)
        elif not delay >= 0.0:
            raise ValueError("delay must be a number of seconds >= 0")
        rule = FaultRule(kind, route, operation_id, rate, times, retry_after, delay, status)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def pick(self, op: Operation, method: str, path: str) -> FaultRule | None:
        """The first matching rule that fires for this request (consumes one of its ``times``)."""
        template, concrete = short_path(op, path)
        with self._lock:
            for rule in self.rules:
                if rule.times is not None and rule.fired >= rule.times:
                    continue
                if not rule.matches(op, method, template, concrete):
                    continue
                if rule.rate < 1.0 and self.rng.random() >= rule.rate:
                    continue
                rule.fired += 1
                return rule
        return None
