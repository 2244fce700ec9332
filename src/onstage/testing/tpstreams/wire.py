"""How TP Streams (Django REST Framework) answers on the wire: its ``Token`` check, DRF error bodies
(``{"detail"}`` or ``{"field": ["msg"]}``), Django's plain-text 404 for unknown routes and other
organizations, and APPEND_SLASH for paths without their trailing ``/``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .._engine.asgi import Headers, Request
from .._engine.handler import ApiError, Reply
from .._engine.service import Auth, Shape
from .._engine.spec import FieldError, Operation
from .._engine.world import World
from .state import API, login_tokens, organization_of, settings

__all__ = [
    "DJANGO_404",
    "authorize",
    "check_auth",
    "django_404",
    "missing_slash",
    "not_found",
    "render_error",
    "validation_error",
]

_CREDENTIAL = API.credentials[0]
#: Django's own 404 (no DRF involved): unknown routes and organizations other than the token's.
DJANGO_404 = b"The requested resource was not found on this server."


def django_404() -> Reply:
    return Reply(404, raw=DJANGO_404, content_type="text/plain; charset=utf-8")


def render_error(error: ApiError) -> Shape:
    if error.field:
        return error.status, {error.field: [error.message], **error.extra}
    return error.status, {"detail": error.message, **error.extra}


def validation_error(errors: Sequence[FieldError]) -> Shape:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(e.field, []).append(e.message)
    return 400, out


def check_auth(world: World, op: Operation, headers: Headers) -> Auth:
    """``Authorization: Token <the sandbox token or one from auth.login>``; public operations need none."""
    if op.public:
        return None, None
    auth = headers.get(_CREDENTIAL.header, "")
    if not auth:
        return None, Reply(401, {"detail": "Authentication credentials were not provided."})
    token = _CREDENTIAL.secret_of(auth)
    if token is None or (token != settings(world).token and token not in login_tokens(world)):
        return None, Reply(401, {"detail": "Invalid token."})
    return token, None


def authorize(world: World, token: str, path_params: Mapping[str, str]) -> Reply | None:
    """A token scoped to an organization sees every other one as Django's 404."""
    owner = organization_of(world, token)
    if owner is not None and "organization_id" in path_params and path_params["organization_id"] != owner:
        return django_404()
    return None


def not_found(method: str, path: str, exists: bool) -> Reply:
    if not exists:
        return django_404()
    return Reply(405, {"detail": f'Method "{method}" not allowed.'})


def missing_slash(request: Request, routed: bool) -> Reply:
    """Django's APPEND_SLASH redirects GET/HEAD (301) to the slashed URL; other methods, or paths that
    do not exist even with the slash, are a plain 404."""
    if routed and request.method in ("GET", "HEAD"):
        query = request.query_string
        location = request.raw_path + "/" + (f"?{query}" if query else "")
        return Reply(301, raw=b"", headers={"location": location}, content_type="text/html; charset=utf-8")
    return django_404()
