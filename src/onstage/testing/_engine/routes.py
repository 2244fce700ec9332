"""What a fault rule or a count key may name, checked against the spec: a route (``"POST /meetings"``,
the path below the API's bound ids, a ``{template}`` or concrete ids, ``*`` for any method or path) or
an operation id (``"create_meeting"``). A name that matches nothing is refused with the closest
ones the spec has (``difflib``), so that a typo fails loudly instead of never firing or counting 0."""

from __future__ import annotations

import difflib
import re

from ..._apis import APIS
from .spec import Operation, Spec

__all__ = ["RouteIndex", "UnknownRouteError", "route_matches", "short_path"]

_PARAM = re.compile(r"^\{[^}]+\}$")
_SUGGESTIONS = 3


def short_path(op: Operation, concrete: str) -> tuple[str, str]:
    """The operation's path after the bound ids (template and concrete): ``/meetings/{meeting_id}``."""
    template = op.path
    for prefix in APIS[op.api].route_prefixes:  # longest first
        if template.startswith(prefix + "/"):
            template = template[len(prefix) :]
            concrete = "/" + "/".join(concrete.strip("/").split("/")[prefix.count("/") :])
            break
    return template.rstrip("/") or "/", concrete.rstrip("/") or "/"


def route_matches(route: str, method: str, template: str, concrete: str) -> bool:
    """Whether ``"POST /meetings"``-style ``route`` (``*`` for any method or path) names a request."""
    want_method, _, want_path = route.partition(" ")
    want = want_path.strip().rstrip("/") or "/"
    return want_method.upper() in ("*", method) and want in ("*", template, concrete)


class UnknownRouteError(ValueError):
    """A fault route, fault operation id or count key that names no operation of the spec.

    ``value`` is what was given, ``suggestions`` the closest routes or operation ids the spec has."""

    def __init__(self, what: str, value: str, suggestions: list[str], note: str = "") -> None:
        hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {what} {value!r}: no operation of the spec matches it{note}{hint}")
        self.value = value
        self.suggestions = suggestions


class RouteIndex:
    """Every operation's route as faults and counts see it (method, path below the bound ids)."""

    def __init__(self, spec: Spec) -> None:
        self.operation_ids = sorted(spec.operations)
        self._routes: list[tuple[str, str]] = sorted(
            {(op.method, short_path(op, op.path)[0]) for op in spec.operations.values()}
        )
        self._methods = {method for method, _ in self._routes}

    @property
    def routes(self) -> list[str]:
        """``"METHOD /path/{template}"`` for every operation."""
        return [f"{method} {template}" for method, template in self._routes]

    def check_operation(self, operation_id: str) -> None:
        """``UnknownRouteError`` unless the spec has an operation ``operation_id``."""
        if operation_id not in self.operation_ids:
            close = difflib.get_close_matches(operation_id, self.operation_ids, n=_SUGGESTIONS)
            raise UnknownRouteError("operation id", operation_id, close)

    def check_route(self, route: str) -> None:
        """``UnknownRouteError`` unless ``route`` (``route_matches``' form) can name some request."""
        method, _, path = route.strip().partition(" ")
        method = method.upper()
        want = path.strip().rstrip("/") or "/"
        if method == "*" and not path.strip():  # "*": everything
            return
        if (method == "*" or method in self._methods) and any(
            (method in ("*", m)) and (want == "*" or _names(want, template)) for m, template in self._routes
        ):
            return
        normal = f"{method} {want}"
        close = difflib.get_close_matches(normal, self.routes, n=_SUGGESTIONS, cutoff=0.5)
        note = " (a route is 'METHOD /path' below the API's bound ids, * for any method or path)"
        raise UnknownRouteError("route", route, close, note)


def _names(want: str, template: str) -> bool:
    """Whether path ``want`` is ``template`` itself or a concrete path of it (ids for its parameters)."""
    if want == template:
        return True
    if "{" in want:
        return False
    parts, segments = want.strip("/").split("/"), template.strip("/").split("/")
    return len(parts) == len(segments) and all(
        part == seg or (bool(part) and _PARAM.match(seg) is not None)
        for part, seg in zip(parts, segments, strict=True)
    )
