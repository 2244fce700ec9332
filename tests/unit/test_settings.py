"""Settings and arguments are checked before anything is sent (issue finding 3).

Client settings (credentials, ``base_url``, ``http_client``, ``with_options``) fail at construction
with ``ConfigurationError``; per-call options and path ids fail before the request with
``InvalidArgumentError``; a closed client fails with ``ClientClosedError``. No message, ``repr`` or
traceback ever quotes a credential.

Every test here fails on the code before this round (``feb37e9``); the comment on each says which
part of finding 3 it covers and how the old code behaved. (Checked by running this file against
``67fcfdb``'s ``src/``: the same runtime as ``feb37e9``, already on httpx2, so that these tests can
build their MockTransport clients; every test fails there.)
"""

from __future__ import annotations

import inspect
import random
import re
import traceback
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import onstage
from onstage import RealtimeKit, TPStreams, Webinar
from onstage._pagination import AsyncPaginator
from onstage.testing._engine.faker import Faker
from onstage.testing._engine.spec import Operation, Spec
from onstage.testing._spec import load_spec

pytestmark = pytest.mark.anyio

SPEC = Spec(load_spec())
SENTINEL = "SENTINEL-TOKEN-7f3a91c2e4"
ENV_VARS = (
    "CLOUDFLARE_API_TOKEN",
    "REALTIMEKIT_API_TOKEN",
    "CLOUDFLARE_ACCOUNT_ID",
    "REALTIMEKIT_APP_ID",
    "REALTIMEKIT_BASE_URL",
    "TPSTREAMS_TOKEN",
    "TPSTREAMS_ORGANIZATION_ID",
    "TPSTREAMS_BASE_URL",
    "TENBYTE_API_KEY",
    "WEBINAR_API_KEY",
    "WEBINAR_BEARER_TOKEN",
    "WEBINAR_BASE_URL",
)
DEFAULT_BASE_URLS = {
    "realtimekit": "https://api.cloudflare.com/client/v4",
    "tpstreams": "https://app.tpstreams.com",
    "webinar": "https://api.tenbyte.io/v1/webinar",
}
# (client, credential setting, the header it is sent in, the header value's prefix)
CREDENTIALS = [
    ("realtimekit", "api_token", "authorization", "Bearer "),
    ("tpstreams", "token", "authorization", "Token "),
    ("webinar", "api_key", "x-api-key", ""),
    ("webinar", "bearer_token", "authorization", "Bearer "),
]
CREDENTIAL_IDS = [f"{api}.{setting}" for api, setting, _, _ in CREDENTIALS]
# A cheap GET on each API: (resource path, method, positional args, the path the request goes to)
PROBE = {
    "realtimekit": ("meetings", "get", ("m-1",), "/accounts/acc/realtime/kit/app/meetings/m-1"),
    "tpstreams": ("assets", "get", ("a-1",), "/api/v1/org1/assets/a-1/"),
    "webinar": ("rooms", "get", ("r-1",), "/rooms/r-1"),
}
OK_BODY = {
    "realtimekit": {
        "success": True,
        "data": {
            "id": "m-1",
            "title": "t",
            "status": "ACTIVE",
            "created_at": "2026-11-01T10:00:00Z",
            "updated_at": "2026-11-01T10:00:00Z",
        },
    },
    "tpstreams": {"id": "a-1", "title": "t", "type": "video"},
    "webinar": {"success": True, "data": {"id": "r-1", "title": "t"}, "timestamp": 1},
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)


class Wire:
    """A MockTransport handler that records requests and answers with one body."""

    def __init__(self, body: Any = None, status: int = 200) -> None:
        self.body = body
        self.status = status
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return httpx2.Response(self.status, json=self.body)


def make(api: str, wire: Wire | None = None, **kw: Any) -> Any:
    """A client of ``api`` on a MockTransport (``kw`` overrides credentials and ids)."""
    if wire is not None:
        kw.setdefault("http_client", httpx2.AsyncClient(transport=httpx2.MockTransport(wire)))
    if api == "realtimekit":
        kw.setdefault("account_id", "acc")
        kw.setdefault("app_id", "app")
        if "api_token" not in kw:
            kw["api_token"] = "rtk-token-0123456789"
        return RealtimeKit(**kw)
    if api == "tpstreams":
        kw.setdefault("organization_id", "org1")
        if "token" not in kw:
            kw["token"] = "tp-token-0123456789"
        return TPStreams(**kw)
    if "api_key" not in kw and "bearer_token" not in kw:
        kw["api_key"] = "wb-key-0123456789"
    return Webinar(**kw)


def _method(client: Any, resource: str, name: str) -> Callable[..., Any]:
    target = client
    for part in resource.split("."):
        target = getattr(target, part)
    return getattr(target, name)  # type: ignore[no-any-return]


async def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    result = fn(*args, **kwargs)
    if isinstance(result, AsyncPaginator):
        return await result.first_page()
    return await result


async def probe(client: Any, api: str, **options: Any) -> Any:
    resource, name, args, _ = PROBE[api]
    return await _call(_method(client, resource, name), *args, **options)


def formatted(err: BaseException) -> str:
    """Everything a user sees of an exception: str, repr and the whole traceback (with causes)."""
    return "\n".join([str(err), repr(err), "".join(traceback.format_exception(err))])


# -- every facade method, with arguments built from the spec -------------------------------------
def _ident(name: str) -> str:
    return re.sub(r"\W", "_", name)


def _facade_arguments(op: Operation, fn: Callable[..., Any]) -> tuple[list[Any], dict[str, Any]]:
    """Positional path ids plus every required keyword argument, from the spec's schemas."""
    faker = Faker(SPEC, random.Random(op.id))
    body = SPEC.deref(op.body_schema) if op.body_schema is not None else {}
    props = body.get("properties", {}) if isinstance(body, dict) else {}
    query = {p.name: p.schema for p in op.params if p.location == "query"}
    path_params = {_ident(p.name): p for p in op.params if p.location == "path"}
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in inspect.signature(fn).parameters.values():
        if param.default is not inspect.Parameter.empty:
            continue
        if param.name in path_params:
            kind = SPEC.deref(path_params[param.name].schema).get("type")
            args.append(7 if kind == "integer" else f"{param.name.replace('_', '-')}-1")
        elif SPEC.deref(props.get(param.name, {})).get("format") == "binary":
            kwargs[param.name] = ("file.bin", b"\x00\x01")
        elif param.name in props:
            kwargs[param.name] = faker.make(props[param.name], param.name)
        elif param.name in query:
            kwargs[param.name] = faker.make(query[param.name], param.name)
        else:  # a non-object body
            kwargs[param.name] = faker.make(op.body_schema, param.name)
    return args, kwargs


def facade_calls() -> Iterator[tuple[Operation, str, str]]:
    for op in sorted(SPEC.operations.values(), key=lambda o: o.id):
        yield op, op.meta["resource"], op.meta["method"]


# ================================================================================================
# Credentials
# ================================================================================================
BAD_SECRETS = {
    "non-ascii": f"{SENTINEL}é",
    "non-ascii-inside": "SENTINEL-TOKEN-7f3a\u00e991c2e4",
    "zero-width": f"{SENTINEL}\u200b",
    "trailing-newline": f"{SENTINEL}\n",
    "trailing-crlf": f"{SENTINEL}\r\n",
    "leading-space": f" {SENTINEL}",
    "trailing-tab": f"{SENTINEL}\t",
    "newline-inside": "SENTINEL-TOKEN\n-7f3a91c2e4",
    "nul": f"{SENTINEL}\x00",
    "del": f"{SENTINEL}\x7f",
}


# Finding 3: a token/key with non-ASCII characters raised UnicodeEncodeError on the first call, one
# with a trailing newline raised APIConnectionError with the token in its message, repr and
# traceback. Old code: construction succeeded (no error at all here).
@pytest.mark.parametrize("bad", BAD_SECRETS.values(), ids=BAD_SECRETS.keys())
@pytest.mark.parametrize(("api", "setting", "header", "prefix"), CREDENTIALS, ids=CREDENTIAL_IDS)
def test_bad_credential_is_a_configuration_error_that_never_quotes_it(
    api: str, setting: str, header: str, prefix: str, bad: str
) -> None:
    wire = Wire(OK_BODY[api])
    with pytest.raises(onstage.ConfigurationError) as info:
        make(api, wire, **{setting: bad})
    text = formatted(info.value)
    assert setting in str(info.value)
    assert "SENTINEL-TOKEN" not in text and "7f3a" not in text
    assert not wire.requests


ENV_CREDENTIALS = [
    ("realtimekit", "CLOUDFLARE_API_TOKEN", "api_token"),
    ("realtimekit", "REALTIMEKIT_API_TOKEN", "api_token"),
    ("tpstreams", "TPSTREAMS_TOKEN", "token"),
    ("webinar", "TENBYTE_API_KEY", "api_key"),
    ("webinar", "WEBINAR_API_KEY", "api_key"),
    ("webinar", "WEBINAR_BEARER_TOKEN", "bearer_token"),
]


# Finding 3, the same through the environment (a newline from `export X=$(cat file)` or a .env
# file). Old code: accepted; the first call failed with the token in the error text.
@pytest.mark.parametrize(
    "bad", [f"{SENTINEL}\n", f"{SENTINEL}é", f" {SENTINEL}"], ids=["newline", "é", "space"]
)
@pytest.mark.parametrize(("api", "env", "setting"), ENV_CREDENTIALS, ids=[e for _, e, _ in ENV_CREDENTIALS])
def test_bad_credential_from_the_environment(
    api: str, env: str, setting: str, bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(env, bad)
    kw: dict[str, Any] = {"realtimekit": {"api_token": None}, "tpstreams": {"token": None}}.get(api, {})
    if api == "webinar":
        kw = {"api_key": None, "bearer_token": None}
    with pytest.raises(onstage.ConfigurationError) as info:
        make(api, Wire(OK_BODY[api]), **kw)
    text = formatted(info.value)
    assert setting in str(info.value)
    assert "SENTINEL-TOKEN" not in text and "7f3a" not in text


# The properties are about header and URL handling, not the event loop: asyncio only (the other
# tests run on trio too).
ASYNCIO_ONLY = pytest.mark.parametrize("anyio_backend", ["asyncio"])


# Finding 3 (property): any text as a credential is either refused at construction with a message
# that does not quote it, or accepted and sent verbatim. Old code: non-ASCII text was accepted and
# raised UnicodeEncodeError on the first call; text with a newline raised APIConnectionError.
@ASYNCIO_ONLY
@settings(
    derandomize=True,
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    credential=st.sampled_from(CREDENTIALS),
    token=st.one_of(
        st.text(max_size=40),
        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x7F), max_size=40),
        st.builds(lambda a, b: f"{a}{SENTINEL}{b}", st.text(max_size=3), st.text(max_size=3)),
    ),
)
async def test_any_credential_is_refused_cleanly_or_sent_verbatim(
    credential: tuple[str, str, str, str], token: str
) -> None:
    api, setting, header, prefix = credential
    wire = Wire(OK_BODY[api])
    try:
        client = make(api, wire, **{setting: token})
    except onstage.ConfigurationError as err:
        text = formatted(err)
        if len(token.strip()) >= 6:
            assert token.strip() not in text
        assert SENTINEL not in text
        assert not wire.requests
        return
    async with client:
        await probe(client, api)
    (request,) = wire.requests
    assert request.headers[header] == prefix + token
    assert SENTINEL not in repr(client)


# ================================================================================================
# base_url
# ================================================================================================
BAD_BASE_URLS = {
    "port-overflow": "http://h:99999",  # old: ExceptionGroup(OverflowError) on the first call
    "port-zero": "http://h:0",
    "port-not-a-number": "http://h:abc",  # old: httpx.InvalidURL on the first call
    "port-empty": "http://h:/v1",
    "unclosed-ipv6": "http://[::1",  # old: httpx.InvalidURL on the first call
    "query": "https://h/v1?x=1",  # old: the path /v1 was silently dropped
    "fragment": "https://h/v1#top",  # old: the path /v1 was silently dropped
    "empty-query": "https://h/v1?",
    "credentials": "https://user:pw@h/v1",
    "no-scheme": "api.example.com/v1",
    "ftp": "ftp://h/v1",
    "no-host": "https:///v1",
    "space": "https://h /v1",
    "newline": "https://h/v1\n",
    "empty": "",  # old: silently meant production
}


# Finding 3: base_url is checked at construction. Old code: every one of these constructed a
# client (that failed on its first call with httpx/OverflowError exceptions, silently dropped the
# path, or silently used production for "").
@pytest.mark.parametrize("url", BAD_BASE_URLS.values(), ids=BAD_BASE_URLS.keys())
@pytest.mark.parametrize("api", ["realtimekit", "tpstreams", "webinar"])
def test_bad_base_url_is_a_configuration_error(api: str, url: str) -> None:
    wire = Wire(OK_BODY[api])
    with pytest.raises(onstage.ConfigurationError) as info:
        make(api, wire, base_url=url)
    assert "base_url" in str(info.value)
    client = make(api, wire)  # on the caller's http_client: nothing to close
    with pytest.raises(onstage.ConfigurationError) as copy_info:
        client.with_options(base_url=url)
    assert "base_url" in str(copy_info.value)
    assert not wire.requests


# Finding 3: the credentials of a base_url are never quoted, whatever else is wrong with it.
# (Old code: constructed; the first call failed with httpx's text.)
@pytest.mark.parametrize(
    "url",
    [
        f"https://user:{SENTINEL}@h/v1",
        f"https://user:{SENTINEL}@h:99999/v1",
        f"https://user:{SENTINEL}@h/v1?x=1",
        f"https://user:{SENTINEL}@h /v1",
        f"ftp://user:{SENTINEL}@h/v1",
        f"https://user:{SENTINEL}@[::1/v1",
        f"https://{SENTINEL}@h:abc/v1",
    ],
    ids=["plain", "bad-port", "query", "space", "ftp", "ipv6", "bad-port-user-only"],
)
def test_base_url_credentials_are_never_quoted(url: str) -> None:
    with pytest.raises(onstage.ConfigurationError) as info:
        make("realtimekit", Wire(), base_url=url)
    assert "SENTINEL-TOKEN" not in formatted(info.value)


# Finding 3: an explicit base_url="" is an error, while an EMPTY environment variable still means
# "unset" (the production default), as before. Old code: "" silently meant production too.
@pytest.mark.parametrize(
    ("api", "env"),
    [
        ("realtimekit", "REALTIMEKIT_BASE_URL"),
        ("tpstreams", "TPSTREAMS_BASE_URL"),
        ("webinar", "WEBINAR_BASE_URL"),
    ],
)
def test_explicit_empty_base_url_is_an_error_but_an_empty_env_var_is_unset(
    api: str, env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(onstage.ConfigurationError, match="base_url"):
        make(api, Wire(), base_url="")
    monkeypatch.setenv(env, "")
    assert make(api, Wire()).base_url == DEFAULT_BASE_URLS[api]
    monkeypatch.setenv(env, "http://sandbox.local:8080/x/")
    assert make(api, Wire()).base_url == "http://sandbox.local:8080/x"
    monkeypatch.setenv(env, "http://sandbox.local:99999")  # a bad URL from the environment
    with pytest.raises(onstage.ConfigurationError, match="base_url"):
        make(api, Wire())


_URL_PIECES = st.one_of(
    st.sampled_from(list("abcXYZ019-._~%:@/?#[]!$&'()*+,;= \\\n\té\u00a0\u200b")),
    st.sampled_from(["%2F", "%20", "%zz", "..", "."]),
)


def _url_text(max_size: int) -> st.SearchStrategy[str]:
    return st.lists(_URL_PIECES, max_size=max_size).map("".join)


_HOSTS = st.one_of(
    st.sampled_from(["h", "api.example.com", "127.0.0.1", "[::1]", "localhost", "EXAMPLE.com", "a-b.c_d"]),
    _url_text(12),
)
_PORTS = st.one_of(
    st.just(""),
    st.integers(min_value=-2, max_value=70000).map(lambda p: f":{p}"),
    _url_text(4).map(lambda p: f":{p}"),
)
_PATHS = st.lists(
    st.one_of(
        st.text(st.sampled_from("abcXYZ019-._~"), max_size=6),
        _url_text(6),
        st.sampled_from(["..", ".", "%2e%2e", "v1", ""]),
    ),
    max_size=4,
).map("/".join)


def _without_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: ``/a/./b/../c`` is ``/a/c`` (what any URL library sends)."""
    out: list[str] = []
    segments = path.split("/")
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        elif segment == ".":
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/".join(out)


_BASE_URLS = st.one_of(
    st.builds(
        lambda scheme, host, port, path: f"{scheme}{host}{port}{('/' + path) if path else ''}",
        st.sampled_from(["http://", "https://", "HTTPS://", "ftp://", "", "http:/", "//"]),
        _HOSTS,
        _PORTS,
        _PATHS,
    ),
    st.builds(  # mostly valid ones, so that many examples reach the wire
        lambda scheme, host, port, path: f"{scheme}{host}{port}/{path}",
        st.sampled_from(["http://", "https://"]),
        st.sampled_from(
            ["h", "api.example.com", "127.0.0.1", "[::1]", "[2001:db8::7]", "xn--bcher-kva.example"]
        ),
        st.one_of(st.just(""), st.integers(min_value=1, max_value=65535).map(lambda p: f":{p}")),
        _PATHS,
    ),
    st.text(max_size=30),
)


# Finding 3 (property): any base_url string is either a ConfigurationError at construction, or the
# client's first call goes to exactly that URL's host, port and path followed by the operation's
# path. Old code: bad ports/hosts raised OverflowError groups or httpx.InvalidURL on the first
# call, and "?"/"#" silently dropped the path.
@ASYNCIO_ONLY
@settings(
    derandomize=True,
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(url=_BASE_URLS)
async def test_any_base_url_is_refused_or_used_exactly(url: str) -> None:
    wire = Wire(OK_BODY["realtimekit"])
    try:
        client = make("realtimekit", wire, base_url=url)
    except onstage.ConfigurationError:
        assert not wire.requests
        return
    async with client:
        await probe(client, "realtimekit")
    (request,) = wire.requests
    parts = urlsplit(url)
    assert request.url.scheme == parts.scheme.lower()
    assert request.url.raw_host.decode("ascii").lower() == (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    assert (request.url.port or default) == (parts.port or default)
    sent_path = unquote(request.url.raw_path.decode("ascii"))
    expected = _without_dot_segments(parts.path.rstrip("/") + PROBE["realtimekit"][3])
    assert sent_path == unquote(expected), (url, str(request.url))


# ================================================================================================
# http_client and the pool options
# ================================================================================================
# Finding 3: http_client= must be an httpx2.AsyncClient. Old code: an old `httpx.AsyncClient` (the
# same API under another package) was taken as is and failed later; the sync client too.
def test_http_client_must_be_an_httpx2_async_client() -> None:
    import httpx  # noqa: TID251 - the point of this test: the old package's client is refused

    old = httpx.AsyncClient()
    with pytest.raises(onstage.ConfigurationError, match=r"httpx2\.AsyncClient") as info:
        make("realtimekit", http_client=old)
    assert "httpx2" in str(info.value)
    sync = httpx2.Client()
    try:
        for api in ("realtimekit", "tpstreams", "webinar"):
            with pytest.raises(onstage.ConfigurationError, match=r"httpx2\.AsyncClient"):
                make(api, http_client=sync)
            with pytest.raises(onstage.ConfigurationError, match="http_client"):
                make(api, http_client=object())
    finally:
        sync.close()


# Finding 3: combining http_client= with the options of the pool onstage would build is refused
# (they would be silently ignored). Old code: accepted and ignored.
@pytest.mark.parametrize(
    "option",
    [
        {"http_backend": "httpx2"},
        {"limits": httpx2.Limits(max_connections=5)},
        {"verify": False},
        {"proxy": "http://proxy.local:3128"},
        {"trust_env": False},
    ],
    ids=["http_backend", "limits", "verify", "proxy", "trust_env"],
)
@pytest.mark.parametrize("api", ["realtimekit", "tpstreams", "webinar"])
async def test_http_client_with_pool_options_is_refused(api: str, option: dict[str, Any]) -> None:
    async with httpx2.AsyncClient(transport=httpx2.MockTransport(Wire())) as mine:
        with pytest.raises(onstage.ConfigurationError, match=next(iter(option))):
            make(api, http_client=mine, **option)


# Finding 3 (the same class of bug as base_url="http://h:99999", for the proxy): a proxy URL that
# cannot be used is a ConfigurationError at construction that does not quote its credentials.
# Old code: no proxy= option.
@pytest.mark.parametrize(
    "proxy",
    [
        f"http://user:{SENTINEL}@127.0.0.1:99999",
        f"http://user:{SENTINEL}@proxy.local:0",
        f"http://user:{SENTINEL}@[::1",
        f"http://user:{SENTINEL}@proxy.local:abc",
        f"ftp://user:{SENTINEL}@proxy.local:3128",
    ],
    ids=["port-overflow", "port-zero", "unclosed-ipv6", "port-not-a-number", "ftp"],
)
def test_bad_proxy_is_a_configuration_error(proxy: str) -> None:
    with pytest.raises(onstage.ConfigurationError, match=r"proxy|pool") as info:
        make("realtimekit", proxy=proxy)
    assert "SENTINEL-TOKEN" not in formatted(info.value)


# ================================================================================================
# Per-call options and with_options
# ================================================================================================
BAD_CALL_OPTIONS = {
    "max_retries-str": {"max_retries": "2"},  # old: TypeError only when a retry was first needed
    "max_retries-negative": {"max_retries": -1},
    "max_retries-bool": {"max_retries": True},
    "max_retries-float": {"max_retries": 2.0},
    "timeout-str": {"timeout": "5"},
    "timeout-negative": {"timeout": -1},
    "timeout-nan": {"timeout": float("nan")},
    "timeout-object-negative": {"timeout": httpx2.Timeout(5.0, read=-1.0)},
    "extra_headers-int": {"extra_headers": {"X-Trace": 1}},  # old: a bare TypeError
    "extra_headers-newline": {"extra_headers": {"X-Trace": "a\r\nX-Evil: 1"}},
    "extra_headers-bad-name": {"extra_headers": {"X Trace": "a"}},
    "extra_headers-not-a-mapping": {"extra_headers": [("X-Trace", "a")]},
    "extra_query-object": {"extra_query": {"trace": object()}},
    "extra_query-int-key": {"extra_query": {1: "a"}},
    "extra_query-not-a-mapping": {"extra_query": "trace=1"},
}


# Finding 3: per-call options are type-checked on every facade method before anything is sent.
# Old code: sent the request (max_retries="2" then failed only when a retry was needed; an int
# header value raised a bare TypeError; negative timeouts went through).
@pytest.mark.parametrize("option", BAD_CALL_OPTIONS.values(), ids=BAD_CALL_OPTIONS.keys())
async def test_bad_per_call_option_on_every_facade_method(option: dict[str, Any]) -> None:
    wires = {api: Wire(None, status=500) for api in DEFAULT_BASE_URLS}
    clients = {api: make(api, wires[api], max_retries=0) for api in DEFAULT_BASE_URLS}
    wrong: list[str] = []
    for op, resource, name in facade_calls():
        fn = _method(clients[op.api], resource, name)
        args, kwargs = _facade_arguments(op, fn)
        try:
            await _call(fn, *args, **kwargs, **option)
        except onstage.InvalidArgumentError as err:
            assert next(iter(option)) in str(err), (op.id, str(err))
        except Exception as err:  # collected and reported below
            wrong.append(f"{op.id}: {type(err).__name__}: {err}")
        else:
            wrong.append(f"{op.id}: accepted")
    for client in clients.values():
        await client.aclose()
    assert not wrong, f"{len(wrong)} methods did not raise InvalidArgumentError: {wrong[:5]}"
    assert not any(w.requests for w in wires.values())


# Finding 3: total_timeout= is a per-call option of every facade method, checked like the others.
# Old code: no such option.
@pytest.mark.parametrize("value", [-1, "3", float("inf"), True], ids=["negative", "str", "inf", "bool"])
async def test_bad_per_call_total_timeout_on_every_facade_method(value: Any) -> None:
    wires = {api: Wire(None, status=500) for api in DEFAULT_BASE_URLS}
    clients = {api: make(api, wires[api], max_retries=0) for api in DEFAULT_BASE_URLS}
    wrong: list[str] = []
    for op, resource, name in facade_calls():
        fn = _method(clients[op.api], resource, name)
        args, kwargs = _facade_arguments(op, fn)
        try:
            await _call(fn, *args, **kwargs, total_timeout=value)
        except onstage.InvalidArgumentError as err:
            assert "total_timeout" in str(err), (op.id, str(err))
        except Exception as err:  # collected and reported below
            wrong.append(f"{op.id}: {type(err).__name__}: {err}")
        else:
            wrong.append(f"{op.id}: accepted")
    for client in clients.values():
        await client.aclose()
    assert not wrong, f"{len(wrong)} methods did not raise InvalidArgumentError: {wrong[:3]}"
    assert not any(w.requests for w in wires.values())


BAD_CLIENT_OPTIONS = {
    "max_retries-str": {"max_retries": "2"},
    "max_retries-negative": {"max_retries": -1},
    "timeout-str": {"timeout": "5"},
    "timeout-negative": {"timeout": -5},
    "total_timeout-negative": {"total_timeout": -1},
    "total_timeout-str": {"total_timeout": "1"},
    "default_headers-int": {"default_headers": {"X-Trace": 1}},
    "default_headers-newline": {"default_headers": {"X-Trace": "a\nb"}},
    "default_query-object": {"default_query": {"trace": object()}},
}


# Finding 3: with_options(...) checks its options like the constructor does (ConfigurationError),
# so a bad copy fails where it is made, not on some later call. Old code: accepted them all.
@pytest.mark.parametrize("option", BAD_CLIENT_OPTIONS.values(), ids=BAD_CLIENT_OPTIONS.keys())
@pytest.mark.parametrize("api", ["realtimekit", "tpstreams", "webinar"])
async def test_bad_options_fail_at_construction_and_in_with_options(api: str, option: dict[str, Any]) -> None:
    wire = Wire(OK_BODY[api])
    with pytest.raises(onstage.ConfigurationError, match=next(iter(option))):
        make(api, wire, **option)
    async with make(api, wire) as client:
        with pytest.raises(onstage.ConfigurationError, match=next(iter(option))):
            client.with_options(**option)
        await probe(client, api)  # the original is unchanged
    assert len(wire.requests) == 1


# ================================================================================================
# Closed clients
# ================================================================================================
# Finding 3: a call on a closed client raises ClientClosedError (a ConfigurationError and a
# RuntimeError that says "closed"), for aclose(), the end of `async with`, and with_options
# copies. Old code: httpx's own RuntimeError (or, with a user's http_client, the call went through).
@pytest.mark.parametrize("api", ["realtimekit", "tpstreams", "webinar"])
@pytest.mark.parametrize("how", ["aclose", "async-with", "copy-of-closed", "closed-copy"])
async def test_call_on_a_closed_client(api: str, how: str) -> None:
    wire = Wire(OK_BODY[api])
    if how == "async-with":
        async with make(api, wire) as client:
            await probe(client, api)
        target = client
    else:
        client = make(api, wire)
        copy = client.with_options(max_retries=0)
        if how == "closed-copy":
            await copy.aclose()
            await probe(client, api)  # closing a copy leaves the original open
        else:
            await client.aclose()
        target = client if how == "aclose" else copy
    sent = len(wire.requests)
    with pytest.raises(onstage.ConfigurationError) as info:
        await probe(target, api)
    err = info.value
    assert type(err).__name__ == "ClientClosedError"
    assert isinstance(err, RuntimeError) and isinstance(err, onstage.OnstageError)
    assert "closed" in str(err)
    assert len(wire.requests) == sent
    from onstage._errors import ClientClosedError

    assert isinstance(err, ClientClosedError)
    await client.aclose()


# Finding 3, on the pool onstage creates (closed with the client): the client and its copies raise
# ClientClosedError. Old code: httpx's "Cannot send a request, as the client has been closed".
@pytest.mark.parametrize("target", ["client", "copy"])
async def test_call_on_a_closed_client_with_its_own_pool(target: str) -> None:
    client = make("realtimekit")
    copy = client.with_options(max_retries=0)
    await client.aclose()
    with pytest.raises(onstage.ConfigurationError, match="closed") as info:
        await probe(client if target == "client" else copy, "realtimekit")
    assert type(info.value).__name__ == "ClientClosedError" and isinstance(info.value, RuntimeError)


# ================================================================================================
# Path ids
# ================================================================================================
BAD_IDS = {
    "bytes": b"m-1",
    "list": ["m-1"],
    "dict": {"id": "m-1"},
    "float": 1.5,
    "object": object(),
}


# Finding 3: bytes/list/dict ids were stringified onto the wire (GET /meetings/b'm-1'). Now every
# path id of every facade method is checked first: InvalidArgumentError naming the parameter,
# nothing sent.
@pytest.mark.parametrize("bad", BAD_IDS.values(), ids=BAD_IDS.keys())
async def test_non_string_path_ids_are_refused_on_every_facade_method(bad: Any) -> None:
    wires = {api: Wire(None, status=500) for api in DEFAULT_BASE_URLS}
    clients = {api: make(api, wires[api], max_retries=0) for api in DEFAULT_BASE_URLS}
    wrong: list[str] = []
    checked = 0
    for op, resource, name in facade_calls():
        fn = _method(clients[op.api], resource, name)
        args, kwargs = _facade_arguments(op, fn)
        for i in range(len(args)):
            checked += 1
            bad_args = [*args[:i], bad, *args[i + 1 :]]
            try:
                await _call(fn, *bad_args, **kwargs)
            except onstage.InvalidArgumentError:
                pass
            except Exception as err:  # collected and reported below
                wrong.append(f"{op.id}[{i}]: {type(err).__name__}: {err}")
            else:
                wrong.append(f"{op.id}[{i}]: sent {wires[op.api].requests[-1].url}")
    for client in clients.values():
        await client.aclose()
    assert checked >= 60
    assert not wrong, f"{len(wrong)} ids not refused: {wrong[:5]}"
    assert not any(w.requests for w in wires.values())


# Finding 3: the id check must not refuse what the signature accepts: a uuid.UUID goes onto the
# wire as its string form, its bytes are refused. Old code: the bytes went onto the wire.
async def test_uuid_ids_are_sent_and_bytes_are_not() -> None:
    wire = Wire(OK_BODY["realtimekit"])
    meeting = uuid.UUID("0b7c3e5e-6f0a-4c1b-9a53-3f1d2e4b5a69")
    async with make("realtimekit", wire) as client:
        await client.meetings.get(meeting)
        with pytest.raises(onstage.InvalidArgumentError, match="meeting_id"):
            await client.meetings.get(str(meeting).encode())
    (request,) = wire.requests
    assert request.url.path.endswith(f"/meetings/{meeting}")
