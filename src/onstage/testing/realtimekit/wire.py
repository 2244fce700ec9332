"""How RealtimeKit (Cloudflare's API) answers on the wire: its bearer-token check and its error body
``{"success": false, "error": {"code", "message"}}``, validation errors included (400)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._engine.asgi import Headers
from .._engine.handler import ApiError, Reply
from .._engine.service import Auth, Shape
from .._engine.spec import FieldError, Operation
from .._engine.world import World
from .state import API, settings

__all__ = ["check_auth", "public_key", "render_error", "validation_error"]

_CREDENTIAL = API.credentials[0]


def _error(status: int, message: str) -> dict[str, Any]:
    return {"success": False, "error": {"code": status, "message": message}}


def render_error(error: ApiError) -> Shape:
    return error.status, _error(error.status, error.message)


def validation_error(errors: Sequence[FieldError]) -> Shape:
    text = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return 400, _error(400, f"Invalid request: {text}")


def check_auth(world: World, op: Operation, headers: Headers) -> Auth:
    """Every operation needs ``Authorization: Bearer <the sandbox token>``."""
    token = _CREDENTIAL.secret_of(headers.get(_CREDENTIAL.header, ""))
    if token is None or token != settings(world).token:
        return None, Reply(401, _error(401, "Unauthorized"))
    return token, None


def public_key(world: World) -> Reply:
    """``/.well-known/webhooks.json``: the key that verifies the sandbox's webhook signatures."""
    body = {"success": True, "data": {"publicKey": world.dispatcher.public_key_pem}, "message": ""}
    return Reply(200, body)
