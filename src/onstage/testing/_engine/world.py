"""The sandbox's state: per-tenant stores each API package keys by its own name, the settings each
API was given, the seeded faker and the clock. No API's shape is known here."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from .faker import Faker

if TYPE_CHECKING:
    from .spec import Spec
    from .webhooks import Dispatcher

__all__ = ["World"]

_S = TypeVar("_S")


class World:
    """All sandbox state: the stores of every API (keyed by tuples that start with the API's own
    key), each API's settings (its sandbox credential and options), the faker and the clock."""

    def __init__(
        self, spec: Spec, *, seed: int, dispatcher: Dispatcher, settings: Mapping[str, object]
    ) -> None:
        self.spec = spec
        self.seed = seed
        self.dispatcher = dispatcher
        #: API name -> that API package's settings object (see ``setting``).
        self.settings = dict(settings)
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

    def setting(self, api: str, kind: type[_S]) -> _S:
        """The settings the sandbox was given for ``api`` (an instance of that package's ``kind``)."""
        value = self.settings.get(api)
        if not isinstance(value, kind):
            raise LookupError(f"the sandbox has no {kind.__name__} for {api!r}")
        return value

    def now(self) -> float:
        return time.monotonic()

    def uuid(self) -> str:
        return self.faker.uuid()

    def token(self, n: int = 32) -> str:
        return self.faker.token(n)
