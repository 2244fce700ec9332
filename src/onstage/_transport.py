"""How requests leave and bodies come back: the pool a client owns (httpx2 or aiohttp), the one
function that sends, and the bounded body read.

A pool onstage owns is driven at the transport: no per-request client work (auth flows, redirect
loops, cookie jars) that onstage never uses. A user's ``httpx2.AsyncClient`` goes through its own
``send`` so that everything configured on it (auth, mounts, event hooks) still applies.
"""

from __future__ import annotations

import contextlib
import datetime
import ssl
import time
from collections.abc import Awaitable, Callable

import httpx2

from ._errors import ConfigurationError
from ._options import DEFAULT_LIMITS, Backend

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "BodyTooLarge",
    "Pool",
    "build_pool",
    "check_http_client",
    "read_body",
]

DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024

Send = Callable[[httpx2.Request], Awaitable[httpx2.Response]]


class BodyTooLarge(Exception):
    """Internal: raised by ``read_body``; the client turns it into ``ResponseTooLargeError``."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class Pool:
    """An ``httpx2.AsyncClient`` (closed with the onstage client when onstage made it) and the
    function that sends a request through it. ``direct`` means the transport is called straight
    away, so the elapsed time is measured here."""

    __slots__ = ("direct", "http", "owned", "send")

    def __init__(self, http: httpx2.AsyncClient, send: Send, *, owned: bool, direct: bool) -> None:
        self.http = http
        self.send = send
        self.owned = owned
        self.direct = direct


def check_http_client(http_client: object) -> httpx2.AsyncClient:
    if isinstance(http_client, httpx2.AsyncClient):
        return http_client
    module = type(http_client).__module__.split(".", 1)[0]
    if module == "httpx":
        raise ConfigurationError(
            "http_client is an httpx.AsyncClient from the old `httpx` package; onstage runs on httpx2 "
            "(same API, import name `httpx2`): pass httpx2.AsyncClient(...) instead"
        )
    if isinstance(http_client, httpx2.Client):
        raise ConfigurationError(
            "http_client must be an httpx2.AsyncClient, not the synchronous httpx2.Client"
        )
    raise ConfigurationError(f"http_client must be an httpx2.AsyncClient, got {type(http_client).__name__}")


def build_pool(
    *,
    http_client: httpx2.AsyncClient | None,
    backend: Backend | None,
    limits: httpx2.Limits | None,
    verify: bool | str | ssl.SSLContext | None,
    proxy: str | httpx2.URL | None,
    trust_env: bool | None,
) -> Pool:
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
                "your httpx2.AsyncClient instead (limits=, verify=, proxy=, trust_env=, transport=)"
            )
        http = check_http_client(http_client)
        return Pool(http, _client_send(http), owned=False, direct=False)
    if backend not in (None, "httpx2", "aiohttp"):
        raise ConfigurationError(f"http_backend must be 'httpx2' or 'aiohttp', got {backend!r:.40}")
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
    limits = limits or DEFAULT_LIMITS
    verify = True if verify is None else verify
    trust_env = True if trust_env is None else trust_env
    if backend == "aiohttp":
        from ._aiohttp import AiohttpTransport, check_backend_supported  # noqa: PLC0415 - optional extra

        check_backend_supported()
        transport = AiohttpTransport(
            limits=limits, verify=verify, proxy=None if proxy is None else str(proxy), trust_env=trust_env
        )
        http = httpx2.AsyncClient(transport=transport, follow_redirects=False, trust_env=False)
        return Pool(http, transport.handle_async_request, owned=True, direct=True)
    try:
        http = httpx2.AsyncClient(
            limits=limits, verify=verify, proxy=proxy, trust_env=trust_env, follow_redirects=False
        )
    except (ValueError, TypeError, OSError, ssl.SSLError, httpx2.InvalidURL) as exc:
        # a bad proxy URL, an unreadable CA bundle…: never echo the proxy URL (it may hold a password)
        raise ConfigurationError(f"cannot set up the connection pool: {type(exc).__name__}") from exc
    if _has_mounts(http):  # proxies (given or from the environment) are routed by the client
        return Pool(http, _client_send(http), owned=True, direct=False)
    return Pool(http, http._transport.handle_async_request, owned=True, direct=True)


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


def _has_mounts(http: httpx2.AsyncClient) -> bool:
    return bool(getattr(http, "_mounts", True))


def _client_send(http: httpx2.AsyncClient) -> Send:
    async def send(request: httpx2.Request) -> httpx2.Response:
        return await http.send(request, stream=True)

    return send


async def read_body(response: httpx2.Response, limit: int) -> bytes:
    """The decoded body, at most ``limit`` bytes (``BodyTooLarge`` past it, announced or read).
    Decoding errors (a lying ``content-encoding``) propagate as ``httpx2.DecodingError``."""
    content = getattr(response, "_content", None)
    if content is not None:  # already in memory (a mock transport, a user's hook that read it)
        if len(content) > limit:
            raise BodyTooLarge(len(content))
        return content  # type: ignore[no-any-return]
    headers = response.headers
    length = headers.get("content-length")
    if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
        raise BodyTooLarge(int(length))
    chunks: list[bytes] = []
    size = 0
    if headers.get("content-encoding") is None:
        # Nothing to decode: the transport's own stream, without httpx2's decoder and chunker
        # (the stream maps its errors itself; ``response.aclose()`` closes it).
        iterator = aiter(response.stream)  # type: ignore[arg-type]
        try:
            async for chunk in iterator:
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge(size)
                chunks.append(chunk)
        finally:  # an async generator stopped early must be closed here, not by the GC
            close = getattr(iterator, "aclose", None)
            if close is not None:
                await close()
    else:
        async with contextlib.aclosing(response.aiter_bytes()) as stream:
            async for chunk in stream:
                size += len(chunk)
                if size > limit:
                    raise BodyTooLarge(size)
                chunks.append(chunk)
    content = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    # httpx2 has no public way to hand a body read with a cap back to its Response; ``_content`` is
    # the attribute its own ``aread()`` fills, so ``response.content``/``.text``/``.json()`` work.
    response._content = content
    return content


def set_elapsed(response: httpx2.Response, started: float) -> None:
    response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
