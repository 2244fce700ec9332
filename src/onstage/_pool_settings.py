"""The connection pool's settings, whichever the flavour: checking what a caller passes (a pool of
their own, limits, TLS, proxy), the ``Pool`` a client sends through, the response size limit and
the elapsed time. Building the pool and reading bodies is the flavour's (``_transport`` and its
generated sync twin).
"""

from __future__ import annotations

import datetime
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx2

from ._errors import ConfigurationError
from ._options import DEFAULT_LIMITS, Backend

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "BodyTooLarge",
    "Flavour",
    "Pool",
    "PoolSettings",
    "check_http_client",
    "has_mounts",
    "passthrough",
    "pool_settings",
    "set_elapsed",
]

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

Flavour = Literal["async", "sync"]
_CLIENT = {"async": "httpx2.AsyncClient", "sync": "httpx2.Client"}


class BodyTooLarge(Exception):
    """Internal: raised by ``read_body``; the client turns it into ``ResponseTooLargeError``."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class Pool:
    """An ``httpx2.AsyncClient`` or ``httpx2.Client`` (closed with the onstage client when onstage
    made it) and the function that sends a request through it. ``direct`` means the transport is
    called straight away, so the elapsed time is measured here. A caller's own client is driven
    directly too on the calls where it would do nothing per request (``passthrough``)."""

    __slots__ = ("direct", "http", "owned", "send")

    def __init__(
        self,
        http: Any,
        send: Callable[[httpx2.Request], Any],  # a coroutine function (async) or a function (sync)
        *,
        owned: bool,
        direct: bool,
    ) -> None:
        self.http = http
        self.send = send
        self.owned = owned
        self.direct = direct


def passthrough(http: Any) -> bool:
    """Whether a caller's client would do nothing for a request beyond handing it to its transport:
    no auth, no event hooks, no cookies, no proxy mounts, no redirect following. Checked on every
    call, since the caller may configure the client at any time; then onstage calls the transport
    itself, as it does for the pools it owns (``send`` costs about a tenth of a call)."""
    hooks = http._event_hooks
    return (
        http._auth is None
        and not hooks["request"]
        and not hooks["response"]
        and not http._mounts
        and not http.follow_redirects
        and not http._cookies
    )


def check_http_client(http_client: object, flavour: Flavour) -> Any:
    """The caller's own pool: an ``httpx2.AsyncClient`` for the async clients, an ``httpx2.Client``
    for the sync ones."""
    wanted = httpx2.AsyncClient if flavour == "async" else httpx2.Client
    if isinstance(http_client, wanted):
        return http_client
    name = _CLIENT[flavour]
    module = type(http_client).__module__.split(".", 1)[0]
    if module == "httpx":
        raise ConfigurationError(
            f"http_client is an {type(http_client).__name__} from the old `httpx` package; onstage runs on "
            f"httpx2 (same API, import name `httpx2`): pass {name}(...) instead"
        )
    other = httpx2.Client if flavour == "async" else httpx2.AsyncClient
    if isinstance(http_client, other):
        hint = "the synchronous httpx2.Client" if flavour == "async" else "an httpx2.AsyncClient"
        use = "onstage.sync's clients take it" if flavour == "async" else "the async clients take it"
        raise ConfigurationError(f"http_client must be an {name}, not {hint} ({use})")
    raise ConfigurationError(f"http_client must be an {name}, got {type(http_client).__name__}")


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """The checked settings of a pool onstage creates."""

    limits: httpx2.Limits
    verify: bool | str | ssl.SSLContext
    proxy: str | httpx2.URL | None
    trust_env: bool


def pool_settings(
    *,
    flavour: Flavour,
    http_client: object | None,
    backend: Backend | None,
    limits: httpx2.Limits | None,
    verify: bool | str | ssl.SSLContext | None,
    proxy: str | httpx2.URL | None,
    trust_env: bool | None,
) -> PoolSettings | None:
    """Check what the caller passed; None when they passed their own ``http_client``."""
    given = {
        "http_backend": backend,
        "limits": limits,
        "verify": verify,
        "proxy": proxy,
        "trust_env": trust_env,
    }
    if http_client is not None:
        clashing = sorted(name for name, value in given.items() if value is not None)
        if clashing:
            raise ConfigurationError(
                f"{', '.join(clashing)} configure the pool onstage creates: with http_client=, configure "
                f"your {_CLIENT[flavour]} instead (limits=, verify=, proxy=, trust_env=, transport=)"
            )
        return None
    if backend not in (None, "httpx2", "aiohttp"):
        raise ConfigurationError(f"http_backend must be 'httpx2' or 'aiohttp', got {backend!r:.40}")
    if backend == "aiohttp" and flavour == "sync":
        raise ConfigurationError(
            "http_backend='aiohttp' is for asyncio: the synchronous clients run on httpx2.Client"
        )
    if limits is not None and not isinstance(limits, httpx2.Limits):
        raise ConfigurationError(f"limits must be an httpx2.Limits, got {type(limits).__name__}")
    if verify is not None and not isinstance(verify, bool | str | ssl.SSLContext):
        raise ConfigurationError(
            f"verify must be a bool, a CA bundle path or an ssl.SSLContext, got {verify!r:.40}"
        )
    if trust_env is not None and not isinstance(trust_env, bool):
        raise ConfigurationError(f"trust_env must be a bool, got {type(trust_env).__name__}")
    if proxy is not None:
        _check_proxy(proxy)
    return PoolSettings(
        limits or DEFAULT_LIMITS,
        True if verify is None else verify,
        proxy,
        True if trust_env is None else trust_env,
    )


def _check_proxy(proxy: object) -> None:
    """A proxy URL: http/https/socks scheme, a host, a port in 1-65535. Never quoted (it may carry
    a password)."""
    if not isinstance(proxy, str | httpx2.URL):
        raise ConfigurationError(f"proxy must be a URL string or httpx2.URL, got {type(proxy).__name__}")
    try:
        url = httpx2.URL(str(proxy))
        port = url.port
    except (httpx2.InvalidURL, ValueError, OverflowError) as exc:
        raise ConfigurationError(f"proxy is not a valid URL ({type(exc).__name__})") from None
    if url.scheme not in ("http", "https", "socks5", "socks5h") or not url.host:
        raise ConfigurationError("proxy must be an http://, https:// or socks5:// URL with a host")
    if port is not None and not 1 <= port <= 65535:
        raise ConfigurationError(f"proxy has port {port}, outside 1-65535")


def has_mounts(http: httpx2.AsyncClient | httpx2.Client) -> bool:
    """Whether the client routes requests itself (proxies, given or from the environment)."""
    return bool(getattr(http, "_mounts", True))


def set_elapsed(response: httpx2.Response, started: float) -> None:
    response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
