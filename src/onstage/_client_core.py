"""What every facade client shares, whichever its flavour (async ``BaseClient``, sync
``SyncBaseClient``): settings and credentials from the API's description, base URL, headers,
timeouts, ``with_options`` copies, building a request, and the one decode/parse boundary and error
mapping after a response. The request loop itself is the flavour's (``_client_base`` and its
generated sync twin); nothing here does I/O.

Whatever a server sends, a call returns a parsed model or raises an ``OnstageError`` (with the
original exception chained); nothing from the HTTP library or the JSON parser escapes.
"""

from __future__ import annotations

import json as _json
import traceback
from collections.abc import Callable, Mapping
from typing import Any, Self, TypeVar

import httpx2

from ._apis import Api
from ._env import env_first
from ._envelope import Unwrap, unwrapper
from ._errors import (
    MAX_ERROR_BODY,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    InvalidArgumentError,
    RateLimitError,
    ResponseValidationError,
    bounded,
    make_status_error,
)
from ._hooks import Hooks
from ._operation import Operation
from ._pool_settings import DEFAULT_MAX_RESPONSE_BYTES, Pool
from ._redact import REDACTED, redact_text, redact_url, url_secrets
from ._response import APIResponse
from ._retry import (
    DEFAULT_MAX_RETRIES,
    may_have_reached_server,
    retry_after_seconds,
)
from ._settings import (
    check_base_url,
    check_bound_id,
    check_headers,
    check_max_response_bytes,
    check_max_retries,
    check_query,
    check_seconds,
    check_secret,
    check_timeout,
)
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

__all__ = ["DEFAULT_TIMEOUT", "ClientCore", "Content"]

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx2.Timeout(60.0, connect=10.0)
USER_AGENT = f"onstage-python/{__version__}"

_loads = _json.loads
# What parsing hostile JSON into models can raise: wrong shapes and types, absurd timestamps
# (OverflowError, OSError), nesting deeper than the interpreter's stack (RecursionError).
_PARSE_ERRORS = (
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
    IndexError,
    OverflowError,
    OSError,
    RecursionError,
)
_UNDECODABLE = "[the body could not be decoded: content-encoding {}]"


# A response body as read: bytes, or the error that kept it from being decoded.
Content = bytes | httpx2.DecodingError


class _Closed:
    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = False


def _kept_body(content: bytes) -> str:
    """Body text kept on an error: at most ``MAX_ERROR_BODY`` characters, with a marker."""
    return bounded(content[: MAX_ERROR_BODY + 1].decode("utf-8", "replace"), MAX_ERROR_BODY)


def _error_body(response: httpx2.Response, content: Content) -> Any:
    """The body of an error response as JSON when it parses, else bounded text."""
    if not isinstance(content, bytes):
        return _UNDECODABLE.format(response.headers.get("content-encoding", "?")[:40])
    if not content:
        return None
    if len(content) > MAX_ERROR_BODY:
        return bounded(content[:MAX_ERROR_BODY].decode("utf-8", "replace"), MAX_ERROR_BODY)
    ctype = response.headers.get("content-type", "")
    if "json" in ctype or content[:1] in (b"{", b"["):
        try:
            return _loads(content)
        except (ValueError, RecursionError):
            pass
    return _text(response, content)


def _text(response: httpx2.Response, content: bytes) -> str:
    """The body as text in its declared charset; a charset that is no text codec (``rot13``,
    ``idna``, garbage) falls back to UTF-8."""
    try:
        return content.decode(response.encoding or "utf-8", "replace")
    except (LookupError, UnicodeError, ValueError):
        return content.decode("utf-8", "replace")


def _auth_headers(api: Api, given: Mapping[str, str | None]) -> dict[str, str]:
    """The auth header of the one credential passed, or else of the first found in the environment."""
    passed = [c for c in api.credentials if given.get(c.arg)]
    if len(passed) > 1:
        raise ConfigurationError(f"pass {' or '.join(c.arg for c in passed)}, not both")
    if passed:
        cred, secret = passed[0], given[passed[0].arg]
    else:
        found = [(c, env_first(*c.env)) for c in api.credentials]
        cred, secret = next(((c, v) for c, v in found if v), (api.credentials[0], None))
    if not secret:
        what = " or ".join(c.arg for c in api.credentials)
        names = " or ".join(e for c in api.credentials for e in c.env)
        raise ConfigurationError(f"{what} is required: pass it to the client or set {names}")
    return {cred.header: cred.header_value(check_secret(secret, cred.arg))}


class ClientCore:
    """Shared machinery of ``RealtimeKit``, ``TPStreams`` and ``Webinar``, async and sync. Not used
    directly: a flavour adds its pool (``_make_pool``) and its request loop.

    A client class names its API (``_api``, from ``onstage._apis``): credentials, bound ids, the base
    URL, their environment variables and the envelope all come from that description.
    """

    _api: Api
    _unwrap: Unwrap
    _bound: dict[str, str | None] = {}  # noqa: RUF012 - replaced per instance by clients that bind ids

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        api = cls.__dict__.get("_api")
        if api is not None:
            cls._unwrap = staticmethod(unwrapper(api.envelope))

    def __init__(
        self,
        *,
        credentials: Mapping[str, str | None],
        bound: Mapping[str, str | None],
        base_url: str | None,
        options: Mapping[str, Any],  # the flavour's ClientOptions / SyncClientOptions
    ) -> None:
        config = ConfigurationError
        api = self._api
        self._auth_headers = _auth_headers(api, credentials)
        if api.bound:
            given = {b.name: bound.get(b.name) for b in api.bound}
            self._bound = {
                b.name: check_bound_id(b.name, env_first(*b.env) if given[b.name] is None else given[b.name])
                for b in api.bound
            }
        self._base_url = check_base_url(
            (env_first(*api.base_url_env) or api.default_base_url) if base_url is None else base_url
        )
        self._set_headers(check_headers(options.get("default_headers") or {}, "default_headers", config))
        self._default_query = check_query(options.get("default_query") or {}, "default_query", config)
        timeout = options.get("timeout", NOT_GIVEN)
        self._set_timeout(
            DEFAULT_TIMEOUT if isinstance(timeout, NotGiven) else check_timeout(timeout, "timeout", config)
        )
        self._total_timeout = check_seconds(options.get("total_timeout"), "total_timeout")
        self._max_retries = check_max_retries(
            options.get("max_retries", DEFAULT_MAX_RETRIES), "max_retries", config
        )
        self._max_response_bytes = check_max_response_bytes(
            options.get("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES)
        )
        self._hooks = Hooks.build(
            options.get("on_request"), options.get("on_response"), options.get("on_retry")
        )
        self._pool: Pool = self._make_pool(options)
        # The event loop of the first call (async clients), for pools onstage owns: their keep-alive
        # connections belong to that loop. A caller's http_client is the caller's to manage.
        self._loop: list[object | None] | None = [None] if self._pool.owned else None
        # A user's client is never mutated: our headers and timeout go with each request.
        self._http = self._pool.http
        self._owns_http = self._pool.owned
        self._headers_for: tuple[Any, ...] = ()
        self._merged_headers = httpx2.Headers()
        # This client's flag, then those of the clients it was copied from (``with_options``):
        # closing a client closes its copies, even over a caller's http_client (which onstage
        # never closes, so its is_closed cannot tell); closing a copy closes only that copy.
        self._closed: tuple[_Closed, ...] = (_Closed(),)

    def _make_pool(self, options: Mapping[str, Any]) -> Pool:
        raise NotImplementedError  # the flavour's

    #: The flavour's request loop, the one way a call is sent (``BaseClient._request``): it returns an
    #: ``APIResponse``, or (async) an awaitable of one; the generated endpoint functions return that.
    _request: Callable[..., Any]

    def _rebind(self, name: str, value: str | None) -> None:
        """``with_options(app_id=…)`` on a copy: another value of one bound id."""
        if value is not None:
            self._bound = {**self._bound, name: check_bound_id(name, value)}

    def _bound_id(self, name: str) -> str:
        """An id bound on the client (``account_id``, ``app_id``, ``organization_id``)."""
        value = self._bound.get(name)
        if not value:
            env = next((" or set " + " or ".join(b.env) for b in self._api.bound if b.name == name), "")
            raise ConfigurationError(f"this call needs {name}: pass {name}= when creating the client{env}")
        return value

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
        clone._closed = (_Closed(), *self._closed)
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
        total_timeout: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        config = ConfigurationError
        if not isinstance(timeout, NotGiven):
            clone._set_timeout(check_timeout(timeout, "timeout", config))
        if not isinstance(total_timeout, NotGiven):
            clone._total_timeout = check_seconds(total_timeout, "total_timeout")
        if not isinstance(max_retries, NotGiven):
            clone._max_retries = check_max_retries(max_retries, "max_retries", config)
        if base_url is not None:
            clone._base_url = check_base_url(base_url)
        if default_headers:
            clone._set_headers(
                {**self._default_headers, **check_headers(default_headers, "default_headers", config)}
            )
        if default_query:
            clone._default_query = {
                **self._default_query,
                **check_query(default_query, "default_query", config),
            }
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
        # A pool onstage owns is private: its headers never change, so only ours are compared.
        key = (None if self._pool.owned else http_headers.raw, self._headers)
        if key != self._headers_for:
            merged = httpx2.Headers(http_headers)
            merged.update(self._headers)
            self._merged_headers, self._headers_for = merged, key
        return self._merged_headers

    def _any_closed(self) -> bool:
        return any(flag.value for flag in self._closed)

    def _already_deleted(
        self,
        op: Operation,
        response: httpx2.Response,
        content: Content,
        parse: Callable[[Any], T],
        retries: int,
    ) -> APIResponse[T] | None:
        """A DELETE retried after an attempt that may have reached the server, now answered 404:
        the earlier attempt deleted it, and the caller's intent holds. Returned as a success when
        the operation answers nothing (no object to give back); otherwise the 404 stands."""
        try:
            parsed = parse(None)
        except _PARSE_ERRORS:
            return None
        return APIResponse(parsed, response, None, retries)

    def _build(
        self,
        op: Operation,
        url: str,
        *,
        params: dict[str, Any] | None,
        json: Any,
        files: Any,
        data: Any,
        headers: httpx2.Headers,
        extensions: dict[str, Any],
    ) -> httpx2.Request:
        http = self._http
        # ``httpx2.Request`` directly is what ``build_request`` builds, without re-merging the same
        # headers on every call; only a user's client with its own query or cookies needs the merge.
        build: Callable[..., httpx2.Request] = (
            httpx2.Request if self._pool.owned or not (http.params or http.cookies) else http.build_request
        )
        try:
            return build(
                op.method,
                url,
                params=params or None,
                json=None if json is NOT_GIVEN else json,
                files=files,
                data=data,
                headers=headers,
                extensions=extensions,
            )
        except (httpx2.InvalidURL, TypeError, ValueError, UnicodeEncodeError) as exc:
            detail = bounded(redact_text(str(exc)), 300)
            raise InvalidArgumentError(
                f"{op.id}: cannot build the request: {type(exc).__name__}: {detail}"
            ) from exc

    @staticmethod
    def _maybe_applied_note(op: Operation) -> str:
        if op.idempotent:
            return ""
        return (
            f"; the {op.method} may have reached the server and been applied (maybe_applied=True): "
            "check whether it exists before sending it again"
        )

    def _connection_error(
        self, op: Operation, request: httpx2.Request, exc: Exception, retries: int
    ) -> APIConnectionError:
        maybe_applied = may_have_reached_server(exc)
        secrets = [
            *self._auth_headers.values(),
            *url_secrets(str(request.url), op.path, op.secret_params),
        ]
        detail = bounded(redact_text(str(exc), secrets), 500)
        message = f"{op.id}: {type(exc).__name__}: {detail}" if detail else f"{op.id}: {type(exc).__name__}"
        message += f" ({_target(op, request)})"
        if retries:
            message += f" (after {retries} retries)"
        if maybe_applied:
            message += self._maybe_applied_note(op)
        cls = APITimeoutError if isinstance(exc, httpx2.TimeoutException) else APIConnectionError
        error = cls(message, request=request, maybe_applied=maybe_applied)
        # Chain the HTTP library's exception, unless its text (or its own chain) quotes a secret:
        # an exception from a caller's client may quote the URL with a secret path segment in it.
        trace = "".join(traceback.format_exception(exc))
        if any(len(secret) >= 4 and secret in trace for secret in secrets):
            error.__suppress_context__ = True
        else:
            error.__cause__ = exc
        return error

    def _no_time_left(
        self, op: Operation, request: httpx2.Request, total: float | None, retries: int, last: Exception
    ) -> APITimeoutError:
        """The call's ``total_timeout`` leaves no time for the wait before another retry."""
        return APITimeoutError(
            f"{op.id}: total_timeout of {total or 0:g}s leaves no time for retry {retries + 1} "
            f"(last failure: {bounded(str(last), 300)})",
            request=request,
            maybe_applied=getattr(last, "maybe_applied", False),
        )

    def _success(
        self,
        op: Operation,
        response: httpx2.Response,
        content: Content,
        parse: Callable[[Any], T],
        retries: int,
    ) -> APIResponse[T]:
        if not isinstance(content, bytes):
            raise ResponseValidationError(
                _UNDECODABLE.format(response.headers.get("content-encoding", "?")[:40]),
                operation=op.id,
                response=response,
            ) from content
        if content:
            try:
                body = _loads(content)
            except (ValueError, RecursionError) as exc:
                raise ResponseValidationError(
                    f"response body is not JSON ({type(exc).__name__}: {bounded(str(exc), 200)})",
                    operation=op.id,
                    response=response,
                    body=_kept_body(content),
                ) from exc
        else:
            body = None
        try:
            payload = self._unwrap(body)
            key = op.unwrap_key
            if key is not None and type(payload) is dict and key in payload and "id" not in payload:
                payload = payload[key]
            parsed = parse(payload)
        except _PARSE_ERRORS as exc:
            raise ResponseValidationError(
                f"cannot parse the response: {type(exc).__name__}: {bounded(redact_text(str(exc)), 300)}",
                operation=op.id,
                response=response,
                body=body if len(content or b"") <= MAX_ERROR_BODY else _kept_body(content or b""),
            ) from exc
        return APIResponse(parsed, response, body, retries)

    def _status_error(self, op: Operation, response: httpx2.Response, content: Content) -> APIStatusError:
        error = make_status_error(
            response, _error_body(response, content), operation=op.id, target=_target(op, response.request)
        )
        if not isinstance(content, bytes):
            error.__cause__ = content
        if isinstance(error, RateLimitError):
            error.retry_after = retry_after_seconds(response.headers)
        return error


def _target(op: Operation, request: httpx2.Request) -> str:
    """``METHOD scheme://host/path`` of ``request`` for an error message: no query, user info and the
    operation's secret path segments masked (the path as sent, so a doubled base-URL prefix shows)."""
    bare = str(request.url.copy_with(query=None, fragment=None))
    return f"{request.method} {redact_url(bare, op.path, op.secret_params)}"
