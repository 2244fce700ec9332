"""Options: the client-level ``ClientOptions`` every client takes, and the per-call ones
(``timeout=``, ``max_retries=``, ``total_timeout=``, ``extra_headers=``, ``extra_query=``)."""

from __future__ import annotations

import ssl
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias, TypedDict

import httpx2
from attrs import frozen

from ._errors import InvalidArgumentError
from ._hooks import Hook, SyncHook
from ._settings import check_headers, check_max_retries, check_query, check_seconds, check_timeout
from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "DEFAULT_LIMITS",
    "Backend",
    "ClientOptions",
    "RequestOptions",
    "SyncClientOptions",
    "make_options",
    "with_query",
]

Backend: TypeAlias = Literal["httpx2", "aiohttp"]

#: The connection pool of either backend when ``limits`` is not given.
DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=20)


class _CommonOptions(TypedDict, total=False):
    timeout: float | httpx2.Timeout | None
    total_timeout: float | None
    max_retries: int
    max_response_bytes: int
    default_headers: Mapping[str, str] | None
    default_query: Mapping[str, Any] | None
    limits: httpx2.Limits
    verify: bool | str | ssl.SSLContext
    proxy: str | httpx2.URL | None
    trust_env: bool


class ClientOptions(_CommonOptions, total=False):
    """What every async client (``RealtimeKit``, ``TPStreams``, ``Webinar``) takes besides
    credentials, ids and ``base_url``.

    - ``timeout``: per attempt (seconds or ``httpx2.Timeout``; default 60 s, connect 10 s).
    - ``total_timeout``: seconds for a whole call, retries and their waits included (default none).
    - ``max_retries``: retries of a failed call (default 2; a create is never resent when it may
      have been applied).
    - ``max_response_bytes``: the most body bytes (decoded) read into memory (default 64 MiB).
    - ``default_headers`` / ``default_query``: sent with every call.
    - ``on_request`` / ``on_response`` / ``on_retry``: hooks (sync or async callables).
    - ``http_backend``: ``"httpx2"`` (default) or ``"aiohttp"`` (the ``aiohttp`` extra; asyncio only;
      more throughput for busy servers).
    - ``limits``: ``httpx2.Limits`` of the connection pool (either backend; default 100
      connections, 20 kept alive).
    - ``verify``: TLS verification: ``True`` (the OS trust store), ``False``, a CA bundle path, or
      an ``ssl.SSLContext``.
    - ``proxy``: a proxy URL; ``trust_env``: read ``HTTPS_PROXY``/``NO_PROXY``… (default True).
    - ``http_client``: your own ``httpx2.AsyncClient`` (then configure limits, TLS and proxies on
      it: combining it with ``http_backend``/``limits``/``verify``/``proxy``/``trust_env`` is a
      ``ConfigurationError``). onstage never closes a client it did not create.
    """

    on_request: Sequence[Hook] | None
    on_response: Sequence[Hook] | None
    on_retry: Sequence[Hook] | None
    http_backend: Backend
    http_client: httpx2.AsyncClient | None


class SyncClientOptions(_CommonOptions, total=False):
    """What every synchronous client (``onstage.sync``) takes: ``ClientOptions``, with hooks that are
    plain functions (an async hook is a ``ConfigurationError``), ``http_client`` an ``httpx2.Client``,
    and httpx2 as the only backend."""

    on_request: Sequence[SyncHook] | None
    on_response: Sequence[SyncHook] | None
    on_retry: Sequence[SyncHook] | None
    http_backend: Literal["httpx2"]
    http_client: httpx2.Client | None


@frozen
class RequestOptions:
    timeout: httpx2.Timeout | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, Any] | None = None
    total_timeout: float | None | NotGiven = NOT_GIVEN


def make_options(
    timeout: float | httpx2.Timeout | None | NotGiven,
    max_retries: int | NotGiven,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, Any] | None,
    total_timeout: float | None | NotGiven = NOT_GIVEN,
) -> RequestOptions | None:
    """None when nothing was given: the hot path then takes the client defaults without allocating.
    Every given option is type-checked here, before anything is sent (``InvalidArgumentError``)."""
    if (
        timeout is NOT_GIVEN
        and max_retries is NOT_GIVEN
        and extra_headers is None
        and extra_query is None
        and total_timeout is NOT_GIVEN
    ):
        return None
    error = InvalidArgumentError
    return RequestOptions(
        NOT_GIVEN if isinstance(timeout, NotGiven) else check_timeout(timeout, "timeout", error),
        max_retries
        if isinstance(max_retries, NotGiven)
        else check_max_retries(max_retries, "max_retries", error),
        None if extra_headers is None else check_headers(extra_headers, "extra_headers", error),
        None if extra_query is None else check_query(extra_query, "extra_query", error),
        total_timeout
        if isinstance(total_timeout, NotGiven)
        else check_seconds(total_timeout, "total_timeout", error),
    )


def with_query(options: RequestOptions | None, query: Mapping[str, Any]) -> RequestOptions | None:
    """``options`` with ``query`` merged over its ``extra_query`` (used for page parameters)."""
    if not query:
        return options
    if options is None:
        return RequestOptions(extra_query=dict(query))
    return RequestOptions(
        options.timeout,
        options.max_retries,
        options.extra_headers,
        {**(options.extra_query or {}), **query},
        options.total_timeout,
    )
