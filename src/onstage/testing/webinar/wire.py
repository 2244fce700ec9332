"""How the Webinar API (Tenbyte) answers on the wire: its API-key or bearer check and its error body
``{"success": false, "message", "error", "code", "errors", "timestamp"}`` (validation errors: 422)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from .._engine.asgi import Headers
from .._engine.handler import ApiError, Reply
from .._engine.service import Auth, Shape
from .._engine.spec import FieldError, Operation
from .._engine.world import World
from .state import API, settings

__all__ = ["check_auth", "render_error", "validation_error"]

_NO_CREDENTIAL = (
    "Could not determine authentication type from request. "
    "Please provide a valid Authorization header or X-API-Key header."
)


def render_error(error: ApiError) -> Shape:
    message = error.message
    body: dict[str, Any] = {
        "success": False,
        "message": message,
        "error": message,
        "timestamp": int(time.time()),
    }
    if error.code:
        body["code"] = error.code
    body.update(error.extra)
    return error.status, body


def validation_error(errors: Sequence[FieldError]) -> Shape:
    items = [
        {
            "field": e.field,
            "code": "validation_required" if e.missing else "validation_invalid",
            "message": e.message,  # the field is named in "field" (clients join the two)
        }
        for e in errors
    ]
    return 422, {
        "success": False,
        "message": "Invalid Request",
        "errors": items,
        "timestamp": int(time.time()),
    }


def _credential(headers: Headers) -> str | None:
    """The secret of the first credential the request carries in its scheme (API key, then bearer)."""
    for credential in API.credentials:
        value = headers.get(credential.header)
        secret = None if value is None else credential.secret_of(value)
        if secret is not None:
            return secret
    return None


def check_auth(world: World, op: Operation, headers: Headers) -> Auth:
    """``X-API-Key: <the sandbox key>`` or ``Authorization: Bearer <it>``; public operations need none."""
    if op.public:
        return None, None
    given = _credential(headers)
    if given is None:
        return None, Reply(401, {"success": False, "code": "auth_type_not_found", "message": _NO_CREDENTIAL})
    if given != settings(world).api_key:
        return None, Reply(
            401, {"success": False, "code": "auth_type_not_found", "message": "Invalid API key"}
        )
    return given, None
