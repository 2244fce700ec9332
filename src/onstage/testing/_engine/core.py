"""What the ASGI pipeline and the control API share: the spec, the world, the faults, the registered
services (and which of them a path belongs to) and the requests received."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .asgi import Request
from .faults import Faults
from .handler import Handler, default_handler
from .service import Service
from .spec import Spec
from .world import World

__all__ = ["Core", "RecordedRequest"]


@dataclass
class RecordedRequest:
    method: str
    path: str
    operation_id: str | None
    body: Any
    query: dict[str, str] = field(default_factory=dict)
    api: str | None = None
    fault: str | None = None
    status: int | None = None

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


class Core:
    """Everything the app and the control API share."""

    def __init__(self, spec: Spec, world: World, faults: Faults, services: Iterable[Service]) -> None:
        self.spec = spec
        self.world = world
        self.faults = faults
        #: Longest base path first, so that a service mounted at the host root comes last.
        self.services = sorted(services, key=lambda s: len(s.api.path_prefix), reverse=True)
        self.requests: list[RecordedRequest] = []
        table: dict[str, Handler] = {}
        for service in self.services:
            table.update(service.handlers)
        self.handlers: dict[str, Handler] = {
            op_id: table.get(op_id, default_handler) for op_id in spec.operations
        }
        self.control: Callable[[Request], Awaitable[tuple[int, Any]]] | None = None

    def locate(self, path: str) -> tuple[Service, str] | None:
        """The service serving ``path`` and the path below its base path, or None."""
        for service in self.services:
            below = service.locate(path)
            if below is not None:
                return service, below
        return None
