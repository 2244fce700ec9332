"""Spec-driven call plumbing shared by the misrouting and hostile-response suites.

Everything here comes from ``openapi/onstage.yaml`` (through the every-operation facade test's
helpers): one facade call per operation, its path parameters (positional and bound on the client,
with their kind), clients on ``httpx2.MockTransport`` with any bound ids, and a route matcher over
every operation of the spec (all methods), used to prove that a request addresses its own route
and no other.
"""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

import httpx2

from onstage.testing._engine.spec import Operation
from tests.facade.helpers import client_for
from tests.facade.test_every_operation import (
    BOUND,
    CALLS,
    PAGINATED,
    SPEC,
    _arguments,
    _ident,
    _invoke,
    _items,
    _method,
    _page_body,
    _server_path,
    _success_body,
)

__all__ = [
    "BOUND",
    "CALLS",
    "FULL",
    "MAIN_CALLS",
    "PAGINATED",
    "ROUTES",
    "SPEC",
    "Call",
    "PathParam",
    "Route",
    "arguments",
    "client",
    "decoded_path",
    "invoke",
    "items_for",
    "method_of",
    "page_body",
    "path_params",
    "resolve",
    "success_body",
]

#: ``ONSTAGE_RELIABILITY=full``: the large counts (same switch as ``conftest.PROFILE``).
FULL = os.environ.get("ONSTAGE_RELIABILITY", "").lower() == "full"

arguments = _arguments
invoke = _invoke
method_of = _method
success_body = _success_body
page_body = _page_body
items_for = _items

Kind = Literal["string", "integer", "uuid"]


@dataclass(frozen=True)
class Call:
    """The facade entry point of an operation: ``client.<resource>.<name>(...)``."""

    op: Operation
    resource: str
    name: str
    fixed: dict[str, Any]

    @property
    def id(self) -> str:
        return self.op.id


def _main_calls() -> dict[str, Call]:
    out: dict[str, Call] = {}
    for op_id, resource, name, fixed in CALLS:
        op = SPEC.operations[op_id]
        if (resource, name) == (op.meta["resource"], op.meta["method"]):
            out[op_id] = Call(op, resource, name, fixed)
    return dict(sorted(out.items()))


#: One facade call per operation (the ``x-onstage`` resource and method), by operationId.
MAIN_CALLS = _main_calls()


def client(
    api: str,
    handler: Callable[[httpx2.Request], httpx2.Response] | None = None,
    *,
    http: httpx2.AsyncClient | httpx2.Client | None = None,
    sync: bool = False,
    **kw: Any,
) -> Any:
    """A facade client on ``MockTransport(handler)`` (or on ``http``, an ``httpx2.AsyncClient`` to
    share, or an ``httpx2.Client`` for ``sync``: building one per call costs more than the call);
    bound ids default to ``BOUND``. ``sync``: the ``onstage.sync`` client."""
    return client_for(api, handler, "sync" if sync else "async", http=http, **kw)


@dataclass(frozen=True)
class PathParam:
    """A path parameter of an operation: the facade's name, the spec's, its kind, whether it is
    bound on the client (else it is a positional argument, ``position`` among the call's ids)."""

    name: str
    spec_name: str
    kind: Kind
    bound: bool
    position: int


def _kind(schema: dict[str, Any]) -> Kind:
    schema = SPEC.deref(schema)
    if schema.get("type") == "integer":
        return "integer"
    if schema.get("format") == "uuid":
        return "uuid"
    return "string"


def path_params(call: Call, fn: Callable[..., Any]) -> list[PathParam]:
    """The operation's path parameters in path order. ``fn`` is the call's facade method on a
    client; ``position`` indexes the positional ids of ``arguments()``'s list (-1: bound)."""
    op = call.op
    params = {_ident(p.name): p for p in op.params if p.location == "path"}
    positional = [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.default is inspect.Parameter.empty and p.name in params
    ]
    out = []
    for spec_name in re.findall(r"\{([^}]+)\}", op.path):
        name = _ident(spec_name)
        bound = name not in positional
        position = -1 if bound else positional.index(name)
        out.append(PathParam(name, spec_name, _kind(params[name].schema), bound, position))
    return out


# -- routes ----------------------------------------------------------------------------------------
_PARAM = re.compile(r"^\{([^}]+)\}$")


@dataclass(frozen=True)
class Route:
    """An operation's full route template: server path prefix + spec path, split on ``/``."""

    op: Operation
    segments: tuple[str, ...]

    @property
    def priority(self) -> tuple[int, ...]:
        """Literal segments win over ``{templates}`` at the same position (as routers do)."""
        return tuple(1 if _PARAM.match(s) else 0 for s in self.segments)

    def match(self, decoded: list[str]) -> dict[str, str] | None:
        if len(decoded) != len(self.segments):
            return None
        out: dict[str, str] = {}
        for template, part in zip(self.segments, decoded, strict=True):
            param = _PARAM.match(template)
            if param is not None:
                if not part:
                    return None
                out[param.group(1)] = part
            elif template != part:
                return None
        return out


def _routes() -> dict[str, list[Route]]:
    by_method: dict[str, list[Route]] = {}
    for op in SPEC.operations.values():
        full = _server_path(op.path) + op.path
        by_method.setdefault(op.method, []).append(Route(op, tuple(full.split("/")[1:])))
    for routes in by_method.values():
        routes.sort(key=lambda r: r.priority)
    return by_method


#: Every operation of the spec, by method, most literal first.
ROUTES = _routes()


def resolve(method: str, decoded: list[str]) -> list[tuple[Route, dict[str, str]]]:
    """Every route of ``method`` that the decoded segments match, the one a router picks first."""
    out = []
    for route in ROUTES.get(method, []):
        params = route.match(decoded)
        if params is not None:
            out.append((route, params))
    return out


def decoded_path(request: httpx2.Request) -> tuple[list[str], list[str]]:
    """(segments split on the raw ``/`` then each percent-decoded, the fully decoded path split)."""
    raw = request.url.raw_path.decode("ascii").split("?", 1)[0]
    assert raw.startswith("/"), raw
    by_segment = [unquote(s) for s in raw.split("/")[1:]]
    whole = unquote(raw).split("/")[1:]
    return by_segment, whole
