"""Shared pieces of the sandbox: the request context, replies, API errors and the world state."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ._examples import Faker, iso_now

if TYPE_CHECKING:
    from ._spec import Operation, Spec
    from ._webhooks import Dispatcher

__all__ = ["ApiError", "Ctx", "Handler", "Reply", "World", "default_handler", "find", "iso_now"]

_K = TypeVar("_K")
_T = TypeVar("_T")


class ApiError(Exception):
    """An error answered in the API's own shape (see ``_shapes.render_error``)."""

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


class World:
    """All sandbox state: per-tenant stores of the three APIs plus the faker and the clock."""

    def __init__(
        self,
        spec: Spec,
        *,
        seed: int,
        server_start_delay: float,
        dispatcher: Dispatcher,
        tp_organization: str | None = None,
    ) -> None:
        self.spec = spec
        #: The TP Streams organization the sandbox's own token belongs to; None: any organization
        #: works with it (each gets its own state), and "org1" is the one it reports.
        self.tp_token_scoped = tp_organization is not None
        self.tp_organization = tp_organization or "org1"
        self.seed = seed
        self.server_start_delay = server_start_delay
        self.dispatcher = dispatcher
        self.rng = random.Random(seed)
        self.faker = Faker(spec, self.rng)
        self.stores: dict[tuple[str, ...], Any] = {}

    def reset(self) -> None:
        self.rng.seed(self.seed)
        self.stores.clear()

    def store(self, key: tuple[str, ...], factory: Callable[[], Any]) -> Any:
        value = self.stores.get(key)
        if value is None:
            value = factory()
            self.stores[key] = value
        return value

    @property
    def tp_tokens(self) -> dict[str, str]:
        """TP Streams tokens issued by ``auth.login``: token → the organization it logged into."""
        tokens: dict[str, str] = self.store(("tp-tokens",), dict)
        return tokens

    def now(self) -> float:
        return time.monotonic()

    def uuid(self) -> str:
        return self.faker.uuid()

    def token(self, n: int = 32) -> str:
        return self.faker.token(n)
