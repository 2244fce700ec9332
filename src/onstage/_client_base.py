"""The runtime core every call goes through: one ``httpx2.AsyncClient`` per facade client (or the
user's own), base URL, auth headers, timeouts, retries, envelope unwrapping, error mapping, hooks and
logging. Generated endpoint modules call ``BaseClient._request``; nothing else sends requests."""

from __future__ import annotations

import json as _json
import logging
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import anyio
import httpx2

from ._envelope import Unwrap
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    RateLimitError,
    ResponseValidationError,
    make_status_error,
)
from ._hooks import Hook, Hooks, RetryEvent, call_hooks
from ._log import log_request, log_response, log_retry, logger
from ._operation import Operation
from ._options import RequestOptions, to_timeout
from ._redact import REDACTED
from ._response import APIResponse
from ._retry import (
    DEFAULT_MAX_RETRIES,
    retry_after_seconds,
    retry_delay,
    should_retry_exception,
    should_retry_status,
)
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

__all__ = ["DEFAULT_TIMEOUT", "BaseClient"]

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx2.Timeout(60.0, connect=10.0)
DEFAULT_LIMITS = httpx2.Limits(max_connections=100, max_keepalive_connections=20)
USER_AGENT = f"onstage-python/{__version__}"

_loads = _json.loads
_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)


def _decode(response: httpx2.Response) -> Any:
    content = response.content
    if not content:
        return None
    ctype = response.headers.get("content-type", "")
    if "json" in ctype or content[:1] in (b"{", b"["):
        try:
            return _loads(content)
        except ValueError:
            pass
    return response.text


class BaseClient:
    """Shared machinery of ``RealtimeKit``, ``TPStreams`` and ``Webinar``. Not used directly."""

    _unwrap: Unwrap
    _bound: dict[str, str | None] = {}  # noqa: RUF012 - replaced per instance by clients that bind ids

    def __init__(
        self,
        *,
        base_url: str,
        auth_headers: Mapping[str, str],
        timeout: float | httpx2.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        http_client: httpx2.AsyncClient | None = None,
        on_request: Sequence[Hook] | None = None,
        on_response: Sequence[Hook] | None = None,
        on_retry: Sequence[Hook] | None = None,
    ) -> None:
        if max_retries < 0:
            raise ConfigurationError("max_retries must be >= 0")
        self._base_url = base_url.rstrip("/")
        self._auth_headers = dict(auth_headers)
        self._set_headers(dict(default_headers or {}))
        self._default_query = dict(default_query or {})
        self._set_timeout(DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else to_timeout(timeout))
        self._max_retries = max_retries
        self._hooks = Hooks.build(on_request, on_response, on_retry)
        self._owns_http = http_client is None
        # A user's client is never mutated: our headers and timeout go with each request.
        self._http = http_client or httpx2.AsyncClient(limits=DEFAULT_LIMITS, follow_redirects=False)
        self._headers_for: tuple[Any, ...] = ()
        self._merged_headers = httpx2.Headers()
        self._closed = False

    def _bound_id(self, name: str) -> str:
        """An id bound on the client (``account_id``, ``app_id``, ``organization_id``)."""
        value = self._bound.get(name)
        if not value:
            raise ConfigurationError(f"this call needs {name}: pass {name}= when creating the client")
        return value

    # -- lifecycle -----------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close the connection pool (a user-supplied ``http_client`` is left open)."""
        if self._owns_http and not self._closed:
            self._closed = True
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def timeout(self) -> httpx2.Timeout:
        return self._timeout

    @property
    def max_retries(self) -> int:
        return self._max_retries

    def _clone(self) -> Self:
        """A shallow copy sharing the pool (which it never closes), without the cached resource
        objects (they point at ``self``)."""
        clone = object.__new__(type(self))
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if k.startswith("_")})
        clone._owns_http = False
        clone._closed = False
        return clone

    def _with_common_options(
        self,
        clone: Self,
        *,
        timeout: float | httpx2.Timeout | None | NotGiven,
        max_retries: int | NotGiven,
        default_headers: Mapping[str, str] | None,
        default_query: Mapping[str, Any] | None,
        base_url: str | None,
    ) -> Self:
        if not isinstance(timeout, NotGiven):
            clone._set_timeout(to_timeout(timeout))
        clone._max_retries = self._max_retries if isinstance(max_retries, NotGiven) else max_retries
        if base_url is not None:
            clone._base_url = base_url.rstrip("/")
        if default_headers:
            clone._set_headers({**self._default_headers, **default_headers})
        if default_query:
            clone._default_query = {**self._default_query, **default_query}
        return clone

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self._base_url!r}, auth={REDACTED!r})"

    def _set_headers(self, default_headers: dict[str, str]) -> None:
        self._default_headers = default_headers
        self._headers = {"User-Agent": USER_AGENT, **default_headers, **self._auth_headers}

    def _set_timeout(self, timeout: httpx2.Timeout) -> None:
        self._timeout = timeout
        self._timeout_ext: dict[str, Any] = {"timeout": timeout.as_dict()}

    def _request_headers(self) -> httpx2.Headers:
        """The http client's headers with ours over them, merged once and again only when either
        side changed (a user may edit ``http_client.headers`` at any time)."""
        http_headers = self._http.headers
        key = (http_headers.raw, self._headers)
        if key != self._headers_for:
            merged = httpx2.Headers(http_headers)
            merged.update(self._headers)
            self._merged_headers, self._headers_for = merged, key
        return self._merged_headers

    # -- the hot path --------------------------------------------------------------------------
    async def _request(
        self,
        op: Operation,
        path: str,
        parse: Callable[[Any], T],
        *,
        params: dict[str, Any] | None = None,
        json: Any = NOT_GIVEN,
        files: Any = None,
        data: Any = None,
        options: RequestOptions | None = None,
        url: str | None = None,
    ) -> APIResponse[T]:
        headers = self._request_headers()
        extensions = self._timeout_ext
        max_retries = self._max_retries
        if self._default_query:
            params = {**self._default_query, **(params or {})}
        if options is not None:
            if options.extra_headers:
                headers = httpx2.Headers(headers)
                headers.update(options.extra_headers)
            if options.extra_query:
                params = {**(params or {}), **options.extra_query}
            if not isinstance(options.timeout, NotGiven):
                extensions = {"timeout": to_timeout(options.timeout).as_dict()}
            if not isinstance(options.max_retries, NotGiven):
                max_retries = options.max_retries
        http = self._http
        # ``httpx2.Request`` directly is what ``build_request`` builds, without re-merging the same
        # headers on every call; only a user's client with its own query or cookies needs the merge.
        build: Callable[..., httpx2.Request] = (
            http.build_request if http.params or http.cookies else httpx2.Request
        )
        request = build(
            op.method,
            url or self._base_url + path,
            params=params or None,
            json=None if json is NOT_GIVEN else json,
            files=files,
            data=data,
            headers=headers,
            extensions=extensions,
        )
        idempotent = op.idempotent
        hooks = self._hooks
        retries = 0
        while True:
            if hooks.on_request:
                await call_hooks(hooks.on_request, request)
            if logger.isEnabledFor(logging.DEBUG):
                log_request(op, request)
            try:
                response = await self._http.send(request)
            except httpx2.TimeoutException as exc:
                if retries < max_retries and should_retry_exception(exc, idempotent=idempotent):
                    retries += 1
                    await self._sleep_for_retry(op, retries, request, None, exc)
                    continue
                raise APITimeoutError(
                    f"{op.id}: request timed out ({type(exc).__name__})", request=request
                ) from exc
            except httpx2.TransportError as exc:
                if retries < max_retries and should_retry_exception(exc, idempotent=idempotent):
                    retries += 1
                    await self._sleep_for_retry(op, retries, request, None, exc)
                    continue
                raise APIConnectionError(f"{op.id}: {type(exc).__name__}: {exc}", request=request) from exc
            if hooks.on_response:
                await call_hooks(hooks.on_response, response)
            if logger.isEnabledFor(logging.INFO):
                log_response(op, response, retries)
            status = response.status_code
            if 200 <= status < 300:
                return self._success(op, response, parse, retries)
            if retries < max_retries and should_retry_status(
                status, idempotent=idempotent, headers=response.headers
            ):
                retries += 1
                await self._sleep_for_retry(op, retries, request, response, None)
                continue
            raise self._status_error(op, response)

    def _success(
        self, op: Operation, response: httpx2.Response, parse: Callable[[Any], T], retries: int
    ) -> APIResponse[T]:
        content = response.content
        if content:
            try:
                body = _loads(content)
            except ValueError as exc:
                raise ResponseValidationError(
                    f"response body is not JSON ({exc})",
                    operation=op.id,
                    response=response,
                    body=response.text,
                ) from None
        else:
            body = None
        payload = self._unwrap(body)
        key = op.unwrap_key
        if key is not None and type(payload) is dict and key in payload and "id" not in payload:
            payload = payload[key]
        try:
            parsed = parse(payload)
        except _PARSE_ERRORS as exc:
            raise ResponseValidationError(
                f"cannot parse the response: {type(exc).__name__}: {exc}",
                operation=op.id,
                response=response,
                body=body,
            ) from exc
        return APIResponse(parsed, response, body, retries)

    def _status_error(self, op: Operation, response: httpx2.Response) -> APIStatusError:
        error = make_status_error(response, _decode(response), operation=op.id)
        if isinstance(error, RateLimitError):
            error.retry_after = retry_after_seconds(response.headers)
        return error

    async def _sleep_for_retry(
        self,
        op: Operation,
        attempt: int,
        request: httpx2.Request,
        response: httpx2.Response | None,
        error: BaseException | None,
    ) -> None:
        retry_after = retry_after_seconds(response.headers) if response is not None else None
        delay = retry_delay(attempt - 1, retry_after)
        if self._hooks.on_retry:
            await call_hooks(
                self._hooks.on_retry, RetryEvent(op.id, attempt, delay, request, response, error)
            )
        reason = f"status {response.status_code}" if response is not None else type(error).__name__
        log_retry(op.id, attempt, delay, reason)
        await anyio.sleep(delay)
