"""What a handler works with: the request context it gets, the reply it returns, the error it raises
(answered in its API's own shape), the default handler and a 404-raising lookup."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .spec import Operation
    from .world import World

__all__ = ["ApiError", "Ctx", "Handler", "Reply", "compact_json", "default_handler", "find"]

_K = TypeVar("_K")
_T = TypeVar("_T")


def compact_json(payload: Any) -> bytes:
    """What the sandbox sends as JSON (response bodies, webhook deliveries): no spaces."""
    return json.dumps(payload, separators=(",", ":")).encode()


class ApiError(Exception):
    """An error answered in the API's own shape (its service's ``render_error``)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.code = code
        self.extra = extra or {}


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    content_type: str = "application/json"


@dataclass
class Ctx:
    """What a handler sees: the operation, its parameters, the body and the world."""

    op: Operation
    path_params: dict[str, str]
    query: dict[str, Any]
    body: Any
    base_url: str
    path: str
    world: World
    raw_query: dict[str, str] = field(default_factory=dict)
    auth_token: str | None = None

    def p(self, name: str) -> str:
        return self.path_params[name]

    def q(self, name: str, default: Any = None) -> Any:
        return self.query.get(name, default)

    def b(self, name: str, default: Any = None) -> Any:
        return self.body.get(name, default) if isinstance(self.body, dict) else default


Handler = Callable[[Ctx], Reply]


def default_handler(ctx: Ctx) -> Reply:
    """Operations without state of their own: a plausible body built from the response schema."""
    if ctx.op.response_schema is None:
        return Reply(ctx.op.success_status)
    return Reply(ctx.op.success_status, ctx.world.faker.make(ctx.op.response_schema))


def find(items: Mapping[_K, _T], key: _K, message: str) -> _T:
    """``items[key]``, or a 404 with ``message`` (answered in the API's own shape)."""
    found = items.get(key)
    if found is None:
        raise ApiError(404, message)
    return found
