"""What an API package gives the engine (a ``Service``): its description, its operation table, how it
authenticates and answers errors, and the optional hooks of APIs that behave unlike the others."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..._apis import Api
from .asgi import Headers, Request
from .handler import ApiError, Handler, Reply
from .spec import FieldError, Operation
from .world import World

__all__ = ["Action", "Auth", "Service", "Shape"]

#: A status and a JSON body in the API's own shape.
Shape = tuple[int, Any]
#: ``(credential, None)`` when a request may go on (the credential is None for public operations),
#: else ``(None, the API's 401)``.
Auth = tuple[str | None, Reply | None]
#: A control action (``POST /_sandbox/<name>``, ``sb.<name>(...)``): the world plus keyword arguments.
Action = Callable[..., dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Service:
    """One fake API. ``api`` (from ``onstage._apis``) says where it is mounted and what it is called."""

    api: Api
    #: operationId -> handler; operations left out get ``default_handler``.
    handlers: Mapping[str, Handler]
    check_auth: Callable[[World, Operation, Headers], Auth]
    render_error: Callable[[ApiError], Shape]
    validation_error: Callable[[Sequence[FieldError]], Shape]
    #: No operation for ``(method, path, the path exists with other methods)``; by default a 405 or a
    #: 404 through ``render_error``.
    not_found: Callable[[str, str, bool], Reply] | None = None
    #: ``api.trailing_slash`` APIs: what a request whose path lacks the slash gets
    #: ``(request, whether the path routes with the slash)``.
    missing_slash: Callable[[Request, bool], Reply] | None = None
    #: After authentication: a reply that refuses ``(credential, path parameters)``, or None.
    authorize: Callable[[World, str, Mapping[str, str]], Reply | None] | None = None
    #: Absolute paths the service answers outside its base path (``/.well-known/...``).
    routes: Mapping[str, Callable[[World], Reply]] = field(default_factory=dict)
    #: Control actions this API adds.
    actions: Mapping[str, Action] = field(default_factory=dict)
    #: Called every tick of the sandbox's clock (timers that fire without a request).
    tick: Callable[[World], None] | None = None

    @property
    def name(self) -> str:
        return self.api.name

    def locate(self, path: str) -> str | None:
        """The path below the API's base path (``/accounts/…``), or None when it is not this API's."""
        prefix = self.api.path_prefix
        if path == prefix or path.startswith(prefix + "/"):
            return path[len(prefix) :] or "/"
        return None

    def no_operation(self, method: str, path: str, exists: bool) -> Reply:
        """405 when ``path`` exists with other methods, else 404, in the API's own shape."""
        if self.not_found is not None:
            return self.not_found(method, path, exists)
        status = 405 if exists else 404
        message = f"Method {method} not allowed" if exists else f"No route for {method} {path}"
        return Reply(*self.render_error(ApiError(status, message)))
