"""Each API's own answers: error bodies, validation errors, 401s, 404/405s, TP Streams' Django-level
plain-text 404 and APPEND_SLASH redirect, and whose organization a TP Streams token belongs to."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ._core import ApiError, Reply

if TYPE_CHECKING:
    from starlette.requests import Request

    from ._app import Core
    from ._spec import FieldError, Operation

__all__ = [
    "DJANGO_404",
    "check_auth",
    "django_404",
    "not_found",
    "raw_path",
    "render_error",
    "tp_organization",
    "tp_without_slash",
    "validation_error",
]

_WB_AUTH_MESSAGE = (
    "Could not determine authentication type from request. "
    "Please provide a valid Authorization header or X-API-Key header."
)


def render_error(api: str, error: ApiError) -> tuple[int, Any]:
    status, message = error.status, error.message
    if api == "realtimekit":
        return status, {"success": False, "error": {"code": status, "message": message}}
    if api == "tpstreams":
        if error.field:
            return status, {error.field: [message], **error.extra}
        return status, {"detail": message, **error.extra}
    body: dict[str, Any] = {
        "success": False,
        "message": message,
        "error": message,
        "timestamp": int(time.time()),
    }
    if error.code:
        body["code"] = error.code
    body.update(error.extra)
    return status, body


def validation_error(api: str, errors: list[FieldError]) -> tuple[int, Any]:
    if api == "realtimekit":
        text = "; ".join(f"{e.field}: {e.message}" for e in errors)
        return 400, {"success": False, "error": {"code": 400, "message": f"Invalid request: {text}"}}
    if api == "tpstreams":
        out: dict[str, list[str]] = {}
        for e in errors:
            out.setdefault(e.field, []).append(e.message)
        return 400, out
    items = [
        {
            "field": e.field,
            "code": "validation_required" if e.missing else "validation_invalid",
            "message": f"{e.field}: {e.message}",
        }
        for e in errors
    ]
    return 422, {
        "success": False,
        "message": "Invalid Request",
        "errors": items,
        "timestamp": int(time.time()),
    }


def check_auth(
    core: Core, api: str, op: Operation, headers: Any
) -> tuple[str | None, tuple[int, Any] | None]:
    """``(token, error)``: the credential used, or the API's 401."""
    auth = headers.get("authorization", "")
    if api == "realtimekit":
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or token.strip() != core.tokens["realtimekit"]:
            return None, (401, {"success": False, "error": {"code": 401, "message": "Unauthorized"}})
        return token.strip(), None
    if api == "tpstreams":
        if op.public:
            return None, None
        scheme, _, token = auth.partition(" ")
        token = token.strip()
        if not auth:
            return None, (401, {"detail": "Authentication credentials were not provided."})
        known = token == core.tokens["tpstreams"] or token in core.world.tp_tokens
        if scheme.lower() != "token" or not known:
            return None, (401, {"detail": "Invalid token."})
        return token, None
    if op.public:
        return None, None
    key = headers.get("x-api-key")
    scheme, _, bearer = auth.partition(" ")
    if key is None and scheme.lower() != "bearer":
        return None, (401, {"success": False, "code": "auth_type_not_found", "message": _WB_AUTH_MESSAGE})
    given = key if key is not None else bearer.strip()
    if given != core.tokens["webinar"]:
        return None, (401, {"success": False, "code": "auth_type_not_found", "message": "Invalid API key"})
    return given, None


#: Django's own 404 (no DRF involved): unknown routes and organizations other than the token's.
DJANGO_404 = b"The requested resource was not found on this server."


def django_404() -> Reply:
    return Reply(404, raw=DJANGO_404, content_type="text/plain; charset=utf-8")


def not_found(api: str, method: str, path: str, exists: bool) -> Reply:
    """No operation for ``method path``: 405 when the path exists with other methods, else 404."""
    if api == "tpstreams":
        if not exists:
            return django_404()
        return Reply(405, {"detail": f'Method "{method}" not allowed.'})
    status = 405 if exists else 404
    message = f"Method {method} not allowed" if exists else f"No route for {method} {path}"
    return Reply(*render_error(api, ApiError(status, message)))


def tp_without_slash(method: str, request: Request, routed: bool) -> Reply:
    """A TP Streams path without its trailing ``/``: Django's APPEND_SLASH redirects GET/HEAD (301) to
    the slashed URL; other methods, or paths that do not exist even with the slash, are a plain 404."""
    if routed and method in ("GET", "HEAD"):
        query = request.scope.get("query_string", b"").decode("latin-1")
        location = raw_path(request) + "/" + (f"?{query}" if query else "")
        return Reply(301, raw=b"", headers={"location": location}, content_type="text/html; charset=utf-8")
    return django_404()


def raw_path(request: Request) -> str:
    """The request path as sent (percent-encoded), without the query string."""
    raw = request.scope.get("raw_path")
    if isinstance(raw, bytes) and raw:
        return raw.split(b"?", 1)[0].decode("latin-1")
    return quote(request.scope["path"])


def tp_organization(core: Core, token: str) -> str | None:
    """The organization a TP Streams token belongs to: the one it logged into, or the sandbox token's
    when the sandbox was given one (``None``: the sandbox token works for any organization)."""
    world = core.world
    return world.tp_tokens.get(token, world.tp_organization if world.tp_token_scoped else None)
