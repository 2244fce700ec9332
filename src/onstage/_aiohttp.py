"""An aiohttp-backed ``httpx2.AsyncBaseTransport``: ``RealtimeKit(http_backend="aiohttp")``.

It exists for throughput on asyncio. The runtime calls :meth:`AiohttpTransport.handle_async_request`
directly and reads the body from the returned ``httpx2.Response``, so this module owns everything the
default ``httpx2.AsyncHTTPTransport`` would: timeouts, the pool limit, TLS, proxies, and above all the
exception *types*, because the retry rules (``_retry``) decide from them whether a request may have
reached the server. Each aiohttp failure maps to the type the default transport raises for the same
server behaviour, raised at the same point (checked side by side over loopback sockets in
``tests/transport``):

=====================================================================  =======================  =======
server behaviour                                                       both transports raise    from
=====================================================================  =======================  =======
connection refused; DNS failure; proxy unreachable                     ``ConnectError``         request
TLS handshake or certificate verification failure                      ``ConnectError``         request
no connection within ``connect``                                       ``ConnectTimeout``       request
all ``max_connections`` busy for longer than ``pool``                  ``PoolTimeout``          request
request body not taken by the peer within ``write``                    ``WriteTimeout``         request
no response within ``read``                                            ``ReadTimeout``          request
peer closes (FIN) without responding, request read or not              ``RemoteProtocolError``  request
  ("Server disconnected without sending a response.")
peer resets (RST) before responding: reset, or closed with the         ``ReadError``            request
  request unread, or mid-upload
malformed status line or header block                                  ``RemoteProtocolError``  request
no body bytes within ``read``                                          ``ReadTimeout``          body
body cut short by a close (Content-Length or chunked)                  ``RemoteProtocolError``  body
body cut short by a reset, or an until-close body ended by a reset     ``ReadError``            body
malformed chunk framing                                                ``RemoteProtocolError``  body [1]
``Content-Encoding`` that does not match the body (httpx2 decodes)     ``DecodingError``        body
proxy refuses the CONNECT tunnel (non-2xx)                             ``ProxyError``           request
=====================================================================  =======================  =======

Every exception raised here carries ``request=request`` and is chained (``raise ... from``) to aiohttp's.
An exception from a streaming request body's own iterator propagates unchanged, as on the default
transport.

How the hard parts are made exact:

* **pool vs connect.** aiohttp's ``ClientTimeout.connect`` covers waiting for a free connection *and*
  connecting. The transport keeps its own slot count (an ``asyncio.Semaphore`` of ``max_connections``,
  held from before the connection is taken until the response is released): waiting for a slot is
  bounded by ``pool`` (``PoolTimeout``); aiohttp's connector, limited to the same number, then never
  waits, so its ``connect`` timeout covers DNS + TCP + TLS only (``ConnectTimeout``).
* **write timeouts.** aiohttp has none. The request body goes to aiohttp as a payload of ours that hands
  the bytes to the socket without waiting and, only when the socket buffer is over its high-water mark
  (the peer is not taking the data), waits for it bounded by ``write`` (``WriteTimeout``). aiohttp starts
  its read timer once the body is written, so a peer that never drains a large body gives
  ``WriteTimeout``, never ``ReadTimeout``. As on the default transport, "written" means "accepted by the
  kernel": a body that fits the socket buffers is written, and a silent peer then gives ``ReadTimeout``.
* **one attempt per call.** aiohttp silently resends an idempotent request once when its connection
  drops; that is switched off, as the default transport never resends: the runtime's retry rules are
  the only ones and see every attempt.
* **trust_env** is honoured here, not by aiohttp: ``ClientSession(trust_env=True)`` resolves proxies
  *and* ``~/.netrc`` credentials in a worker thread on every request (measured: 3x the client CPU per
  request), and a netrc entry for the API host (or a ``default`` entry) makes aiohttp reject every
  request that carries an ``Authorization`` header. So the session runs with ``trust_env=False``; with
  ``trust_env=True`` the transport reads the proxy variables once at construction (``HTTP_PROXY``,
  ``HTTPS_PROXY``, ``ALL_PROXY``, ``NO_PROXY``, as ``httpx2.AsyncClient`` does) and decides once per
  origin, and ``SSL_CERT_FILE``/``SSL_CERT_DIR`` apply to ``verify=True`` as in httpx2
  (``httpx2.create_ssl_context``).
* **the wire.** Requests go out with exactly the ``httpx2.Request`` headers: aiohttp's own User-Agent,
  Accept, Accept-Encoding, Content-Type and ``Content-Length: 0`` (on a body-less DELETE) are not added.
  No cookie jar (``DummyCookieJar``), no redirects, no decompression (``httpx2.Response`` decodes).

Known differences (none changes a retry decision for a request that got no response):

* [1] aiohttp parses the body as it arrives with the headers, so malformed chunk framing in the same
  packet as the headers raises ``RemoteProtocolError`` from ``handle_async_request`` instead of from the
  body.
* A server that answers *before* reading the whole request body (an early 413, say) gets its response
  returned: aiohttp reads while it writes. The default transport writes the whole body first and raises
  ``ReadError`` (the peer closed with the body unread) or ``WriteTimeout`` (it did not).
* aiohttp keeps every idle connection up to ``max_connections`` (``max_keepalive_connections`` has no
  equivalent), caches DNS answers for 10 s and tries addresses with happy eyeballs; its ``read`` timer
  runs between body bytes even while the caller is not reading (httpx2 times each read call).
* Header values must be UTF-8 (aiohttp writes text): others raise ``LocalProtocolError``.
* Only ``http://`` and ``https://`` proxies (aiohttp has no SOCKS): others are a ``ConfigurationError``.
"""

from __future__ import annotations

import asyncio
import base64
import math
import os
import ssl
import sys
import urllib.request
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, Final, Self

import httpx2

from ._errors import ConfigurationError
from ._options import DEFAULT_LIMITS

try:
    import aiohttp
    import aiohttp.payload
    from aiohttp.http_writer import StreamWriter as _StreamWriter
    from multidict import CIMultiDict, CIMultiDictProxy
    from yarl import URL
except ImportError:  # pragma: no cover - tested in a subprocess that hides aiohttp
    _AIOHTTP_ERROR: str | None = "the aiohttp backend needs aiohttp: pip install 'onstage[aiohttp]'"
else:
    _AIOHTTP_ERROR = (
        None
        if hasattr(aiohttp, "ConnectionTimeoutError")  # added in 3.10, the oldest the extra allows
        else f"the aiohttp backend needs aiohttp>=3.10 (found {aiohttp.__version__}): "
        "pip install -U 'onstage[aiohttp]'"
    )

__all__ = ["AiohttpTransport", "check_backend_supported"]


_NEEDS_ASYNCIO = (
    "http_backend='aiohttp' needs asyncio (aiohttp is built on the asyncio event loop), but this code "
    "runs under {library}; use the default backend (http_backend='httpx2'), which works on trio too"
)

# Headers aiohttp adds on its own when a request does not carry them. httpx2 already built the request
# with exactly the headers that should go out, so none of these are added behind its back.
_SKIP_AUTO_HEADERS: Final = ("Accept", "Accept-Encoding", "User-Agent", "Content-Type")
# h11 (the default transport's parser) accepts a header block of up to 100 KiB; aiohttp's default is
# 8190 bytes per line, which would reject a large Set-Cookie or CSP header that httpx2 accepts.
_MAX_HEADER_LINE: Final = 100 * 1024
_MIN_TIMEOUT: Final = 1e-9  # aiohttp reads a 0 timeout as "no timeout"; httpx2 as "already expired"


def _current_async_library() -> str | None:
    """``"asyncio"``, ``"trio"``, another library's name, or None outside any event loop.

    Why this is right without sniffio: ``asyncio.current_task()`` raises RuntimeError unless an asyncio
    loop runs in this thread, and returns the running Task when asyncio code calls it. Checking for the
    *task* (not just ``get_running_loop()``) also rejects trio running as a guest inside an asyncio loop
    (``trio.lowlevel.start_guest_run``): the loop is running, but trio's code does not run in an asyncio
    Task, and aiohttp's timeouts need one. trio is looked up in ``sys.modules`` only, so it is never
    imported here, and sniffio is consulted only if something already imported it.
    """
    try:
        if asyncio.current_task() is not None:
            return "asyncio"
    except RuntimeError:
        pass
    trio = sys.modules.get("trio")
    if trio is not None:
        try:
            trio.lowlevel.current_task()
        except RuntimeError:
            pass
        else:
            return "trio"
    sniffio = sys.modules.get("sniffio")
    if sniffio is not None:
        try:
            return str(sniffio.current_async_library())
        except sniffio.AsyncLibraryNotFoundError:
            pass
    return None


def check_backend_supported() -> None:
    """Raise ``ConfigurationError`` when called under an async library other than asyncio (trio).

    Does nothing outside an event loop or under asyncio.
    """
    library = _current_async_library()
    if library is not None and library != "asyncio":
        raise ConfigurationError(_NEEDS_ASYNCIO.format(library=library))


def _ssl_context(verify: bool | str | ssl.SSLContext, trust_env: bool) -> ssl.SSLContext:
    if isinstance(verify, str):
        # What httpx2 does for a CA path, minus its DeprecationWarning (the str form is onstage API).
        if os.path.isdir(verify):
            return ssl.create_default_context(capath=verify)
        return ssl.create_default_context(cafile=verify)
    # True: the same context as the default transport (OS trust store, SSL_CERT_FILE/DIR under
    # trust_env); False: no verification; an SSLContext is used as is.
    return httpx2.create_ssl_context(verify=verify, trust_env=trust_env)


def _no_proxy(host: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` exempts ``host``, as httpx2 reads it: ``*`` exempts every host, ``name``
    the host and its subdomains, ``.name`` / ``*.name`` its subdomains only; IP addresses and
    ``localhost`` match exactly. Ports and schemes in entries are ignored."""
    host = host.lower().strip("[]")
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        entry = entry.partition("://")[2] or entry
        if entry.startswith("["):
            entry = entry[1:].partition("]")[0]
        elif entry.count(":") == 1:
            entry = entry.partition(":")[0]
        if entry.startswith("*"):
            entry = entry[1:]
        if entry.startswith("."):
            if host.endswith(entry):
                return True
        elif host == entry or host.endswith("." + entry):
            return True
    return False


class _Proxy:
    """A proxy as aiohttp takes it: the URL without credentials, and the headers for the proxy."""

    __slots__ = ("auth", "headers", "url")

    def __init__(self, url: str) -> None:
        try:
            proxy = httpx2.Proxy(url if "://" in url else f"http://{url}")
        except (ValueError, httpx2.InvalidURL) as exc:
            raise ConfigurationError(f"invalid proxy URL {url!r}: {exc}") from None
        if proxy.url.scheme not in ("http", "https"):
            raise ConfigurationError(
                f"http_backend='aiohttp' supports http:// and https:// proxies only, not {proxy.url.scheme}://"
                " (use the default backend for SOCKS)"
            )
        self.url = URL(str(proxy.url), encoded=True)
        # Credentials in the URL, sent as httpx2 sends them: on the CONNECT request for https://
        # targets (aiohttp's proxy_headers) and on the forwarded request itself for http:// ones.
        self.auth: str | None = None
        self.headers: CIMultiDict[str] | None = None
        if proxy.raw_auth is not None:
            user, password = proxy.raw_auth
            self.auth = "Basic " + base64.b64encode(user + b":" + password).decode("ascii")
            self.headers = CIMultiDict({"Proxy-Authorization": self.auth})


def _to_multidict(raw: list[tuple[bytes, bytes]]) -> CIMultiDictProxy[str]:
    # aiohttp writes headers as UTF-8 text, so bytes that are not UTF-8 cannot go out unchanged:
    # UnicodeDecodeError, reported as LocalProtocolError (h11's type for a header it will not send).
    return CIMultiDictProxy(CIMultiDict([(k.decode(), v.decode()) for k, v in raw]))


class _WriteTimeoutError(TimeoutError):
    """Raised inside aiohttp's body writer; recognised on the way out and turned into WriteTimeout."""


if _AIOHTTP_ERROR is None:

    class _RequestBody(aiohttp.payload.Payload):
        """The request body, written with a ``write`` timeout (aiohttp has none).

        The outcome is kept on the object, because aiohttp wraps or replaces exceptions raised by a
        payload depending on their type and version: ``timed_out`` and ``source_error`` (an exception
        from a streaming body's own iterator, re-raised unchanged as the default transport does).
        """

        _autoclose = True

        def __init__(
            self, value: bytes | AsyncIterable[bytes], size: int | None, write_timeout: float | None
        ) -> None:
            super().__init__(value)
            self._size = size
            self._write_timeout = write_timeout
            self.timed_out = False
            self.source_error: BaseException | None = None

        def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
            value = self._value
            if isinstance(value, bytes):
                return value.decode(encoding, errors)
            raise TypeError("a streaming request body cannot be decoded")

        async def write(self, writer: aiohttp.abc.AbstractStreamWriter) -> None:
            await self.write_with_length(writer, None)

        async def write_with_length(
            self, writer: aiohttp.abc.AbstractStreamWriter, content_length: int | None
        ) -> None:
            value = self._value
            if isinstance(value, bytes):
                if content_length is not None and content_length < len(value):
                    value = value[:content_length]
                await self._send(writer, value)
                return
            remaining = content_length
            iterator: AsyncIterator[bytes] | None = None
            while True:
                try:
                    if iterator is None:
                        iterator = aiter(value)
                    chunk = await anext(iterator)
                except StopAsyncIteration:
                    return
                except Exception as exc:  # the caller's stream failed (a cancellation is not that)
                    self.source_error = exc
                    raise
                if remaining is not None:
                    if remaining <= 0:
                        continue
                    chunk = chunk[:remaining]
                    remaining -= len(chunk)
                if chunk:
                    await self._send(writer, chunk)

        async def _send(self, writer: aiohttp.abc.AbstractStreamWriter, chunk: bytes) -> None:
            timeout = self._write_timeout
            if not isinstance(writer, _StreamWriter):  # pragma: no cover - aiohttp always passes one
                await asyncio.wait_for(writer.write(chunk), timeout)
                return
            # Hand the bytes to the socket without waiting (this never suspends); wait only when the
            # transport's buffer went over its high-water mark, i.e. the peer is not taking the data.
            await writer.write(chunk, drain=False)
            if not writer.protocol.writing_paused:
                return
            if timeout is None:
                await writer.drain()
                return
            try:
                async with asyncio.timeout(timeout):
                    await writer.drain()
            except TimeoutError:
                self.timed_out = True
                raise _WriteTimeoutError("timed out writing the request body") from None

    class _ClientRequest(aiohttp.ClientRequest):
        """aiohttp adds ``Content-Length: 0`` to a body-less request of any method but GET/HEAD/OPTIONS/
        TRACE; httpx2 sends exactly the headers of the ``httpx2.Request`` (none on a body-less DELETE)."""

        def update_body_from_data(self, body: Any, *args: Any, **kwargs: Any) -> None:
            had_length = "Content-Length" in self.headers
            super().update_body_from_data(body, *args, **kwargs)
            if body is None and not had_length:
                self.headers.popall("Content-Length", None)


def _map_exception(
    exc: Exception, request: httpx2.Request, *, in_body: bool, reset: bool = False
) -> Exception | None:
    """The httpx2 exception the default transport raises for the failure behind ``exc``, or None to
    let ``exc`` propagate unchanged. ``reset``: the connection is known to have ended with an error
    (RST) rather than a clean close."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, _WriteTimeoutError):
        return httpx2.WriteTimeout(message, request=request)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx2.ConnectTimeout(message, request=request)
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return httpx2.ReadTimeout(message, request=request)
    if isinstance(exc, asyncio.TimeoutError):  # ServerTimeoutError or a bare timeout: phase unknown
        return httpx2.TimeoutException(message, request=request)
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return httpx2.ProxyError(message, request=request)
    if isinstance(exc, (aiohttp.ClientConnectorError, aiohttp.ServerFingerprintMismatch)):
        # Refused, DNS, TLS/certificate, unreachable proxy: no byte of the request was sent.
        return httpx2.ConnectError(message, request=request)
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        if in_body:
            return httpx2.RemoteProtocolError(message, request=request)
        return httpx2.RemoteProtocolError("Server disconnected without sending a response.", request=request)
    if isinstance(exc, aiohttp.ClientPayloadError):
        # aiohttp folds "the connection dropped" into one error; a reset (RST) is a ReadError on the
        # default transport, a clean close before the end of the body a RemoteProtocolError (h11).
        if reset:
            return httpx2.ReadError(message, request=request)
        return httpx2.RemoteProtocolError(message, request=request)
    if isinstance(exc, aiohttp.ClientResponseError):  # a status line or header block that does not parse
        return httpx2.RemoteProtocolError(message, request=request)
    if isinstance(exc, (aiohttp.ClientOSError, aiohttp.ClientConnectionResetError)):
        # Reset or broken pipe on an established connection: the default transport reads the error
        # (it suppresses a failed write and reads whatever the peer left), hence ReadError.
        return httpx2.ReadError(message, request=request)
    if isinstance(exc, (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError)):
        return httpx2.UnsupportedProtocol(message, request=request)
    if isinstance(exc, aiohttp.ClientConnectionError):  # "Connection closed" and the like
        return httpx2.ReadError(message, request=request)
    if isinstance(exc, ValueError) and not in_body:  # a header value aiohttp refuses to send (h11 too)
        return httpx2.LocalProtocolError(message, request=request)
    return None


class _ResponseStream(httpx2.AsyncByteStream):
    """The body of one aiohttp response, as raw chunks; the connection and the pool slot are given back
    as soon as the body ends, fails, is cancelled, or ``aclose()`` is called (which never suspends, so a
    cancelled caller cannot leave them behind)."""

    __slots__ = ("_content", "_done", "_protocol", "_request", "_resp", "_slots")

    def __init__(
        self,
        resp: aiohttp.ClientResponse,
        request: httpx2.Request,
        slots: asyncio.Semaphore | None,
    ) -> None:
        self._resp = resp
        self._content = resp.content
        self._request = request
        self._slots = slots
        self._done = False
        connection = resp.connection
        # Kept to tell a reset from a clean close once the connection is gone (see _reset).
        self._protocol = None if connection is None else connection.protocol

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> bytes:
        if self._done:
            raise StopAsyncIteration
        try:
            chunk = await self._content.readany()
        except BaseException as exc:
            reset = self._reset()  # before closing: closing the protocol forgets its exception
            self._release(close=True)
            if isinstance(exc, Exception):
                mapped = _map_exception(exc, self._request, in_body=True, reset=reset is not None)
                if mapped is not None:
                    raise mapped from exc
            raise
        if chunk:
            return chunk
        reset = self._reset()
        self._release(close=False)
        if reset is not None and self._until_eof():
            # A body delimited by the end of the connection, ended by a reset: aiohttp calls that a
            # complete body; the default transport raises ReadError (it cannot know the body is whole).
            raise httpx2.ReadError(str(reset), request=self._request) from reset
        raise StopAsyncIteration

    def _reset(self) -> BaseException | None:
        """The error the connection ended with if it was reset (RST) rather than closed cleanly. Only
        meaningful once the connection is known to be gone (the protocol serves no other request)."""
        protocol = self._protocol
        exc = None if protocol is None else protocol.exception()
        return exc if isinstance(exc, aiohttp.ClientOSError) else None

    def _until_eof(self) -> bool:
        """Whether the body is delimited by the end of the connection (no length, not chunked)."""
        resp = self._resp
        if resp.method == "HEAD" or resp.status < 200 or resp.status in (204, 304):
            return False
        headers = resp.headers
        return "Content-Length" not in headers and "chunked" not in headers.get("Transfer-Encoding", "")

    def _release(self, *, close: bool) -> None:
        if self._done:
            return
        self._done = True
        try:
            if close:
                self._resp.close()  # a connection with unread body bytes cannot be reused
            else:
                self._resp.release()
        finally:
            if self._slots is not None:
                self._slots.release()

    async def aclose(self) -> None:
        self._release(close=not self._content.is_eof())


class AiohttpTransport(httpx2.AsyncBaseTransport):
    """An ``httpx2`` transport that sends requests with an ``aiohttp.ClientSession`` (asyncio only).

    ``limits.max_connections`` caps concurrent connections (``None``: no cap), ``keepalive_expiry`` closes
    idle ones. ``verify``: True (the OS trust store, as httpx2), False, a CA bundle path, or an
    ``ssl.SSLContext``. ``proxy``: an ``http://`` or ``https://`` proxy URL for every request. With
    ``trust_env`` the proxy variables and ``SSL_CERT_FILE``/``SSL_CERT_DIR`` apply as in httpx2.
    """

    def __init__(
        self,
        *,
        limits: httpx2.Limits = DEFAULT_LIMITS,
        verify: bool | str | ssl.SSLContext = True,
        proxy: str | None = None,
        trust_env: bool = True,
    ) -> None:
        if _AIOHTTP_ERROR is not None:
            raise ConfigurationError(_AIOHTTP_ERROR)
        self._limits = limits
        self._ssl_context = _ssl_context(verify, trust_env)
        self._proxy = _Proxy(proxy) if proxy is not None else None
        # With trust_env, the proxy variables are read once, here, as httpx2.AsyncClient does (so a
        # SOCKS ALL_PROXY fails now, like httpx2 without socksio); NO_PROXY is applied once per origin.
        env = urllib.request.getproxies() if trust_env and proxy is None else {}
        self._env_proxies = {
            scheme: _Proxy(env[scheme]) for scheme in ("http", "https", "all") if env.get(scheme)
        }
        self._no_proxy_env = env.get("no", "")
        self._proxy_for_origin: dict[tuple[str, str], _Proxy | None] = {}
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}
        self._header_cache: dict[tuple[tuple[bytes, bytes], ...], CIMultiDictProxy[str]] = {}
        self._closed = False

    # -- per-request helpers -------------------------------------------------------------------------
    def _open(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("this AiohttpTransport is closed")
        limits = self._limits
        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0,
            limit_per_host=0,
            keepalive_timeout=limits.keepalive_expiry,
            ssl=self._ssl_context,
        )
        session = aiohttp.ClientSession(
            connector=connector,
            request_class=_ClientRequest,
            cookie_jar=aiohttp.DummyCookieJar(),  # like the default transport: no cookies kept
            auto_decompress=False,  # httpx2.Response decodes Content-Encoding from the raw bytes
            trust_env=False,  # see the module docstring: handled here, once
            skip_auto_headers=_SKIP_AUTO_HEADERS,
            timeout=aiohttp.ClientTimeout(total=None),
            max_line_size=_MAX_HEADER_LINE,
            max_field_size=_MAX_HEADER_LINE,
        )
        if hasattr(session, "_retry_connection"):
            # aiohttp resends an idempotent request once when its connection drops; the default
            # transport does not, and the runtime's retry rules must see (and count) every attempt.
            session._retry_connection = False
        if limits.max_connections is not None:
            self._slots = asyncio.Semaphore(limits.max_connections)
        self._session, self._loop = session, loop
        return session

    def _client_timeout(self, connect: float | None, read: float | None) -> aiohttp.ClientTimeout:
        key = (connect, read)
        timeout = self._timeouts.get(key)
        if timeout is None:
            if len(self._timeouts) >= 64:
                self._timeouts.clear()
            timeout = self._timeouts[key] = aiohttp.ClientTimeout(
                total=None,
                ceil_threshold=math.inf,  # exact deadlines, as httpx2 (aiohttp rounds >= 5 s up to 1 s)
                # With the pool slot already held, aiohttp's connect covers DNS + TCP + TLS only.
                connect=None if connect is None else max(connect, _MIN_TIMEOUT),
                sock_read=None if read is None else max(read, _MIN_TIMEOUT),
            )
        return timeout

    def _headers(self, raw: list[tuple[bytes, bytes]]) -> CIMultiDictProxy[str]:
        """The request headers as aiohttp takes them, converted once per distinct header list (the
        runtime sends the same merged headers on every call; aiohttp copies them, never mutates)."""
        key = tuple(raw)
        headers = self._header_cache.get(key)
        if headers is None:
            if len(self._header_cache) >= 256:
                self._header_cache.clear()
            headers = self._header_cache[key] = _to_multidict(raw)
        return headers

    def _env_proxy(self, scheme: str, host: str) -> _Proxy | None:
        key = (scheme, host)
        try:
            return self._proxy_for_origin[key]
        except KeyError:
            pass
        found = self._env_proxies.get(scheme) or self._env_proxies.get("all")
        if found is not None and _no_proxy(host, self._no_proxy_env):
            found = None
        self._proxy_for_origin[key] = found
        return found

    async def _acquire_slot(
        self, slots: asyncio.Semaphore, pool: float | None, request: httpx2.Request
    ) -> None:
        if pool is None:
            await slots.acquire()
            return
        try:
            async with asyncio.timeout(pool):
                await slots.acquire()
        except TimeoutError as exc:
            raise httpx2.PoolTimeout(
                f"no connection became free within the pool timeout ({pool:g}s)", request=request
            ) from exc

    # -- the transport API ---------------------------------------------------------------------------
    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        try:
            task = asyncio.current_task()
        except RuntimeError:
            task = None
        if task is None:
            library = _current_async_library() or "something other than an asyncio task"
            raise ConfigurationError(_NEEDS_ASYNCIO.format(library=library))
        loop = task.get_loop()
        session = self._session
        if session is None:
            session = self._open(loop)
        elif loop is not self._loop:
            raise RuntimeError("an AiohttpTransport is bound to the event loop of its first request")

        timeouts = request.extensions.get("timeout")
        if timeouts:
            connect, read = timeouts.get("connect"), timeouts.get("read")
            write, pool = timeouts.get("write"), timeouts.get("pool")
        else:
            connect = read = write = pool = None

        url = request.url
        if url.userinfo:  # not sent: like the default transport (the client turns it into a header)
            target = URL(f"{url.scheme}://{url.netloc.decode()}{url.raw_path.decode()}", encoded=True)
        else:
            target = URL(str(url), encoded=True)  # httpx2 already percent-encoded it

        body: _RequestBody | None = None
        raw: list[tuple[bytes, bytes]] | None = None  # set when the headers need filtering
        try:
            content: bytes | None = request.content
        except httpx2.RequestNotRead:
            stream: Any = request.stream
            length = request.headers.get("content-length")
            body = _RequestBody(stream, int(length) if length else None, write)
            # aiohttp frames a body of unknown length itself and refuses a second Transfer-Encoding.
            raw = [(k, v) for k, v in request.headers.raw if k.lower() != b"transfer-encoding"]
        else:
            if content:
                body = _RequestBody(content, len(content), write)
        try:
            headers = self._headers(request.headers.raw) if raw is None else _to_multidict(raw)
        except UnicodeDecodeError as exc:
            raise httpx2.LocalProtocolError(
                "a header value is not UTF-8, which aiohttp cannot send (use the default backend)",
                request=request,
            ) from exc

        proxy = self._proxy
        if proxy is None and self._env_proxies:
            proxy = self._env_proxy(url.scheme, url.host)
        if proxy is not None and proxy.auth is not None and url.scheme == "http":
            forwarded = CIMultiDict(headers)
            forwarded["Proxy-Authorization"] = proxy.auth
            headers = CIMultiDictProxy(forwarded)
        sni = request.extensions.get("sni_hostname")

        slots = self._slots
        if slots is not None:
            if slots.locked():
                await self._acquire_slot(slots, pool, request)
            else:
                await slots.acquire()  # does not suspend
        try:
            resp = await session.request(
                request.method,
                target,
                headers=headers,
                data=body,
                allow_redirects=False,
                timeout=self._client_timeout(connect, read),
                proxy=None if proxy is None else proxy.url,
                proxy_headers=None if proxy is None else proxy.headers,
                server_hostname=sni,
            )
        except BaseException as exc:
            if slots is not None:
                slots.release()
            if body is not None and body.source_error is not None:
                raise body.source_error from None
            if not isinstance(exc, Exception):
                raise
            if body is not None and body.timed_out:
                raise httpx2.WriteTimeout("timed out writing the request body", request=request) from exc
            mapped = _map_exception(exc, request, in_body=False)
            if mapped is None:
                raise
            raise mapped from exc

        try:
            reason = resp.reason
            return httpx2.Response(
                resp.status,
                headers=resp.raw_headers,
                stream=_ResponseStream(resp, request, slots),
                request=request,
                extensions={
                    "http_version": b"HTTP/1.0" if resp.version == (1, 0) else b"HTTP/1.1",
                    "reason_phrase": reason.encode("utf-8", "surrogateescape") if reason else b"",
                },
            )
        except BaseException:  # pragma: no cover - building the Response does not fail in practice
            resp.close()
            if slots is not None:
                slots.release()
            raise

    async def aclose(self) -> None:
        """Close the connection pool. Idempotent; the transport cannot be used afterwards."""
        if self._closed:
            return
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()
