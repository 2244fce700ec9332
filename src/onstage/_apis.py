"""The three APIs, each described once: what the clients, the runtime, the generator and the sandbox
need to know about an API that is not in the spec's operations (its error bodies are told apart by
their shape in ``_errors.parse_error_body``; its pagination style is each list operation's
``x-onstage`` mark).

Adding a fourth API is its operations in ``openapi/onstage.yaml`` (tagged ``<name>-<resource>``), one
entry here, and its sandbox folder (``onstage/testing/<name>/``). Nothing else branches on an API's
name. Kept import-light (no httpx2, no attrs): the generator and ``onstage.testing`` read it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

__all__ = ["APIS", "API_NAMES", "Api", "BoundId", "Credential"]


@dataclass(frozen=True, slots=True)
class Credential:
    """One way to authenticate: the client's keyword argument, the environment variables read when
    it is not passed (first set wins), and the header it becomes (``scheme`` prefixes the value:
    ``Authorization: Bearer <secret>``; ``None`` sends the secret as the whole header value)."""

    arg: str
    env: tuple[str, ...]
    header: str
    scheme: str | None

    def header_value(self, secret: str) -> str:
        return secret if self.scheme is None else f"{self.scheme} {secret}"

    def secret_of(self, header_value: str) -> str | None:
        """The secret inside a received header value, or None when the scheme does not match."""
        if self.scheme is None:
            return header_value
        scheme, _, secret = header_value.partition(" ")
        return secret.strip() if scheme.lower() == self.scheme.lower() else None


@dataclass(frozen=True, slots=True)
class BoundId:
    """A path parameter bound once on the client (``account_id``), read from ``env`` when not passed."""

    name: str
    env: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Api:
    """One API. ``name`` is its package (``onstage.<name>``), its spec tag prefix (``<name>-…``) and
    its component prefix (``<name>_…``)."""

    name: str
    default_base_url: str
    base_url_env: tuple[str, ...]
    #: Alternatives, the first the default; a client takes exactly one of them.
    credentials: tuple[Credential, ...]
    bound: tuple[BoundId, ...]
    #: The key of the success envelope the payload sits in (``{"success", "data", …}``), or None.
    envelope: str | None
    #: Route templates that the bound ids fill, longest first: what is left is the resource path.
    route_prefixes: tuple[str, ...]
    #: Every path ends with ``/`` (Django's APPEND_SLASH: a path without it is redirected or a 404).
    trailing_slash: bool = False

    @property
    def path_prefix(self) -> str:
        """The path of the default base URL (``/client/v4``): the sandbox serves the API under it."""
        return urlsplit(self.default_base_url).path.rstrip("/")

    @property
    def bound_names(self) -> tuple[str, ...]:
        return tuple(b.name for b in self.bound)


APIS: Final[dict[str, Api]] = {
    a.name: a
    for a in (
        Api(
            name="realtimekit",
            default_base_url="https://api.cloudflare.com/client/v4",
            base_url_env=("REALTIMEKIT_BASE_URL",),
            credentials=(
                Credential(
                    "api_token", ("CLOUDFLARE_API_TOKEN", "REALTIMEKIT_API_TOKEN"), "Authorization", "Bearer"
                ),
            ),
            bound=(
                BoundId("account_id", ("CLOUDFLARE_ACCOUNT_ID",)),
                BoundId("app_id", ("REALTIMEKIT_APP_ID",)),
            ),
            envelope="data",
            route_prefixes=(
                "/accounts/{account_id}/realtime/kit/{app_id}",
                "/accounts/{account_id}/realtime/kit",
            ),
        ),
        Api(
            name="tpstreams",
            default_base_url="https://app.tpstreams.com",
            base_url_env=("TPSTREAMS_BASE_URL",),
            credentials=(Credential("token", ("TPSTREAMS_TOKEN",), "Authorization", "Token"),),
            bound=(BoundId("organization_id", ("TPSTREAMS_ORGANIZATION_ID",)),),
            envelope=None,
            route_prefixes=("/api/v1/{organization_id}",),
            trailing_slash=True,
        ),
        Api(
            name="webinar",
            default_base_url="https://api.tenbyte.io/v1/webinar",
            base_url_env=("WEBINAR_BASE_URL",),
            credentials=(
                Credential("api_key", ("TENBYTE_API_KEY", "WEBINAR_API_KEY"), "X-API-Key", None),
                Credential("bearer_token", ("WEBINAR_BEARER_TOKEN",), "Authorization", "Bearer"),
            ),
            bound=(),
            envelope="data",
            route_prefixes=(),
        ),
    )
}

API_NAMES: Final[tuple[str, ...]] = tuple(APIS)
