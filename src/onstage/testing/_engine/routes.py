"""What a fault rule or a count key may name, checked against the spec: a route (``"POST /meetings"``,
the path below the API's bound ids, a ``{template}`` or concrete ids, ``*`` for any method or path) or
an operation id (``"create_meeting"``). A name that matches nothing is refused with the closest
ones the spec has (``difflib``), so that a typo fails loudly instead of never firing or counting 0."""

from __future__ import annotations

import difflib

from ..._apis import APIS
from .spec import Operation, Spec, match_segments

__all__ = ["RouteIndex", "UnknownRouteError", "route_matches", "short_path"]

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


def _split(route: str) -> tuple[str, str]:
    """``"post /meetings/"`` as ``("POST", "/meetings")``: the method upper-cased, the path without a
    trailing slash (``"/"`` when there is none)."""
    method, _, path = route.strip().partition(" ")
    return method.upper(), path.strip().rstrip("/") or "/"


def route_matches(route: str, method: str, template: str, concrete: str) -> bool:
    """Whether ``"POST /meetings"``-style ``route`` (``*`` for any method or path) names a request."""
    want_method, want = _split(route)
    return want_method in ("*", method) and want in ("*", template, concrete)


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
        if route.strip() == "*":  # everything
            return
        method, want = _split(route)
        if any(method in ("*", m) and _names(want, template) for m, template in self._routes):
            return
        close = difflib.get_close_matches(f"{method} {want}", self.routes, n=_SUGGESTIONS, cutoff=0.5)
        note = " (a route is 'METHOD /path' below the API's bound ids, * for any method or path)"
        raise UnknownRouteError("route", route, close, note)


def _names(want: str, template: str) -> bool:
    """Whether path ``want`` is ``*``, ``template`` itself or a concrete path of it (ids for its
    parameters; the spec's own segment matching)."""
    if want in ("*", template):
        return True
    if "{" in want:  # a template, not this one
        return False
    return match_segments(tuple(template.strip("/").split("/")), want.strip("/").split("/")) is not None
