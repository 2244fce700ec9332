"""No secret ever shows in anything onstage formats (issue finding 4).

Sentinel credentials go into all three clients, and ``"SENTINEL-<field>"`` values into every secret
field the spec marks (``onstage._generated._secrets.SECRET_FIELDS``) of request bodies, success
bodies and error bodies, and into the TP Streams access-token ``code`` path parameter. Then every
operation of the spec is driven through success, status errors (400/401/404/422/429/500),
connection errors, timeouts, maybe-applied errors, unparseable responses and configuration errors,
with the ``onstage`` logger at DEBUG. Zero sentinels may appear in: log records (formatted message,
args, exception text), ``str``/``repr`` of errors, models, pages, ``APIResponse`` objects and
clients, and ``"".join(traceback.format_exception(err))``.

Raw objects the user owns are not formatted text and are not checked: ``err.body``,
``err.response``, ``err.request`` headers, a model's secret attribute itself.

Every test here fails on the code before this round (``feb37e9``): its logger printed the URL
with the access-token code in it at INFO, and its redactor knew none of ``policy``, ``input_url``,
``output_path``, ``playback_url``, ``rtmp_url``, ``x-amz-*`` or ``code``. (Checked against ``67fcfdb``'s
``src/``, the same runtime already on httpx2: every test fails there.)
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import json
import logging
import random
import traceback
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx2
import pytest
from anyio.abc import SocketStream

import onstage
from onstage import RealtimeKit, TPStreams, Webinar
from onstage.testing import backoff_scale
from onstage.testing._engine.faker import Faker
from onstage.testing._engine.spec import Operation
from tests.facade.test_every_operation import CALLS, SPEC, _arguments, _ident, _invoke, _method
from tests.reliability._figures import FIGURES
from tests.reliability.conftest import Flavour

try:
    from onstage._generated._secrets import SECRET_FIELDS
except ImportError:  # before the spec's secrets were generated: derive them the same way
    SECRET_FIELDS = frozenset()

pytestmark = pytest.mark.anyio

PREFIX = "SENTINEL"
CREDENTIALS = {
    "realtimekit": f"{PREFIX}-TOKEN-7f3a-rtk",
    "tpstreams": f"{PREFIX}-TOKEN-7f3a-tp",
    "webinar": f"{PREFIX}-TOKEN-7f3a-wb-key",
    "webinar-bearer": f"{PREFIX}-TOKEN-7f3a-wb-bearer",
}
ACCESS_CODE = f"{PREFIX}-code-path-9d2e"
STATUSES = (400, 401, 404, 422, 429, 500)


# -- the secret fields ---------------------------------------------------------------------------
def _is_secret_schema(schema: Any) -> bool:
    schema = SPEC.deref(schema)
    return isinstance(schema, dict) and bool(
        schema.get("writeOnly") or schema.get("format") == "password" or schema.get("x-onstage-secret")
    )


def _spec_secret_fields() -> frozenset[str]:
    """Property names the spec marks secret (``writeOnly``, ``format: password``,
    ``x-onstage-secret``): the definition ``SECRET_FIELDS`` is generated from."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and _is_secret_schema(sub):
                    names.add(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SPEC.document)
    return frozenset(names)


SECRETS = frozenset(SECRET_FIELDS) | _spec_secret_fields()


def sentinel(name: str) -> str:
    return f"{PREFIX}-{name}"


# -- planting sentinels into values built from the spec ------------------------------------------
def _type(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        return non_null[0] if non_null else "null"
    if kind is None and "properties" in schema:
        return "object"
    return kind if isinstance(kind, str) else None


def _branch(schema: dict[str, Any]) -> dict[str, Any] | None:
    """The ``oneOf``/``anyOf`` branch the example builder takes (the first one that is not null)."""
    for alt in schema.get("oneOf") or schema.get("anyOf") or []:
        alt = SPEC.deref(alt)
        if isinstance(alt, dict) and _type(alt) != "null":
            return alt
    return None


_HOLDS: dict[int, bool] = {}


def _holds_secret(schema: Any, depth: int = 0) -> bool:
    """Whether a value of ``schema`` can carry a secret field (memoised per schema object)."""
    schema = SPEC.deref(schema)
    if not isinstance(schema, dict) or depth > 8:
        return False
    key = id(schema)
    if key not in _HOLDS:
        _HOLDS[key] = False  # cycles
        branch = _branch(schema)
        props = schema.get("properties") or {}
        _HOLDS[key] = (
            any(name in SECRETS for name in props)
            or any(_holds_secret(sub, depth + 1) for sub in props.values())
            or any(_holds_secret(part, depth + 1) for part in schema.get("allOf", []))
            or (branch is not None and _holds_secret(branch, depth + 1))
            or (_type(schema) == "array" and _holds_secret(schema.get("items", {}), depth + 1))
        )
    return _HOLDS[key]


@dataclass
class Planted:
    """The sentinels put into values, and a faker for values that were missing."""

    faker: Faker
    values: set[str] = field(default_factory=set)

    def plant(self, schema: Any, value: Any, depth: int = 0) -> Any:
        """``value`` with every secret string field the schema allows set to ``SENTINEL-<name>``
        (added when the example left it out), one item added to empty arrays that can carry one."""
        schema = SPEC.deref(schema)
        if not isinstance(schema, dict) or depth > 8:
            return value
        branch = _branch(schema)
        if branch is not None:
            return self.plant(branch, value, depth + 1)
        for part in schema.get("allOf", []):
            value = self.plant(part, value, depth + 1)
        kind = _type(schema)
        if kind == "object" and isinstance(value, dict):
            for name, sub in (schema.get("properties") or {}).items():
                resolved = SPEC.deref(sub)
                if not isinstance(resolved, dict):
                    continue
                if name in SECRETS and _type(resolved) in ("string", None) and "enum" not in resolved:
                    value[name] = sentinel(name)
                    self.values.add(value[name])
                elif _holds_secret(resolved):
                    current = value.get(name)
                    if current is None:
                        current = self.faker.make(resolved, name, 1)
                    value[name] = self.plant(resolved, current, depth + 1)
        elif kind == "array" and isinstance(value, list) and _holds_secret(schema.get("items", {})):
            items = schema.get("items", {})
            if not value:
                value.append(self.faker.make(items, "item", 1))
            return [self.plant(items, item, depth + 1) for item in value]
        return value


# -- bodies ----------------------------------------------------------------------------------------
def _pairs(names: Iterable[str]) -> str:
    """Secret fields as a server quotes them in free text: ``"name": "value"``."""
    return ", ".join(f'"{name}": "{sentinel(name)}"' for name in sorted(names))


def error_body(api: str, status: int, variant: int) -> Any:
    """The API's own error shape, with every secret field in it (in the message text, as extra
    fields, in field errors). Error *codes* stay error codes (an error code is no secret)."""
    fields = {name: sentinel(name) for name in SECRETS if name != "code"}
    text = f"rejected: {_pairs(SECRETS)}"
    if api == "realtimekit":
        if variant % 2:
            return {"success": False, "errors": [{"code": 10000 + status, "message": text}], "data": fields}
        return {"success": False, "error": {"code": status, "message": text}, **fields}
    if api == "tpstreams":
        if variant % 2:  # DRF field errors: {"field": ["message", ...]}
            return {name: [f"{name}={value} is invalid"] for name, value in fields.items()}
        return {"detail": text, **fields}
    errors = [
        {"field": name, "code": "invalid", "message": f"{name}={value}"} for name, value in fields.items()
    ]
    return {"success": False, "error": "bad_request", "message": text, "code": "E_BAD", "errors": errors}


def success_body(op: Operation, planted: Planted) -> Any:
    if op.response_schema is None:
        return None
    faker = Faker(SPEC, random.Random(op.id + "/response"))
    return planted.plant(op.response_schema, faker.make(op.response_schema))


# -- checking ----------------------------------------------------------------------------------------
def formatted(err: BaseException) -> list[str]:
    return [str(err), repr(err), "".join(traceback.format_exception(err))]


_FORMATTER = logging.Formatter("%(name)s %(levelname)s %(message)s")


def log_texts(records: Iterable[logging.LogRecord]) -> list[str]:
    out = []
    for record in records:
        out.append(_FORMATTER.format(record))  # the message with its args, and any traceback
        out.append(repr(record.args))
        out.append(str(record.msg))
    return out


@dataclass
class Audit:
    """Counts the texts checked and keeps the ones with a sentinel in them."""

    checked: int = 0
    leaks: list[str] = field(default_factory=list)

    def check(self, where: str, texts: Iterable[str]) -> None:
        for text in texts:
            self.checked += 1
            at = text.find(PREFIX)
            if at >= 0:
                self.leaks.append(f"{where}: ...{text[max(0, at - 120) : at + 60]!r}...")

    def report(self) -> str:
        return f"{len(self.leaks)} leaks in {self.checked} texts:\n" + "\n".join(self.leaks[:12])


def record(row: str, planted: int, audit: Audit) -> None:
    FIGURES.record(
        "secrets",
        row,
        sentinels_planted=planted,
        places_checked=audit.checked,
        leaks=len(audit.leaks),
    )


# -- clients ------------------------------------------------------------------------------------------
def make_client(
    api: str, transport: httpx2.AsyncBaseTransport | None = None, flavour: Flavour | None = None, **kw: Any
) -> Any:
    """A client of ``api`` with the test credentials: async, or of ``flavour`` (whose options apply)."""
    if transport is not None:
        kw["http_client"] = httpx2.AsyncClient(transport=transport)
    if api == "realtimekit":
        name, creds = "RealtimeKit", {"api_token": CREDENTIALS[api], "account_id": "acc", "app_id": "app"}
    elif api == "tpstreams":
        name, creds = "TPStreams", {"token": CREDENTIALS[api], "organization_id": "org1"}
    elif api == "webinar-bearer":
        name, creds = "Webinar", {"bearer_token": CREDENTIALS[api]}
    else:
        name, creds = "Webinar", {"api_key": CREDENTIALS[api]}
    if flavour is not None:
        return flavour.client(name, **creds, **kw)
    return {"RealtimeKit": RealtimeKit, "TPStreams": TPStreams, "Webinar": Webinar}[name](**creds, **kw)


MAIN_CALLS = [
    (SPEC.operations[op_id], resource, name)
    for op_id, resource, name, fixed in CALLS
    if not fixed
    and (resource, name) == (SPEC.operations[op_id].meta["resource"], SPEC.operations[op_id].meta["method"])
]


def planted_arguments(
    op: Operation, fn: Callable[..., Any], planted: Planted
) -> tuple[list[Any], dict[str, Any]]:
    """The call's arguments from the spec, with sentinels in every secret body field and in the
    secret path parameter (the access-token ``code``)."""
    args, kwargs = _arguments(op, fn, {})
    body = SPEC.deref(op.body_schema) if op.body_schema is not None else {}
    props = body.get("properties", {}) if isinstance(body, dict) else {}
    for name, value in list(kwargs.items()):
        if name in props:
            schema = SPEC.deref(props[name])
            if name in SECRETS and _type(schema) in ("string", None):
                kwargs[name] = sentinel(name)
                planted.values.add(kwargs[name])
            else:
                kwargs[name] = planted.plant(schema, value)
    positional = [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.name in {_ident(q.name) for q in op.params if q.location == "path"}
    ]
    for name in SECRET_PATHS[op.id]:
        if name in positional:
            args[positional.index(name)] = ACCESS_CODE
            planted.values.add(ACCESS_CODE)
    return args, kwargs


def secret_path_params(op: Operation) -> set[str]:
    """Path parameters the spec marks secret (``x-onstage-secret``, or a password format)."""
    item = SPEC.document["paths"][op.path]
    params = [*item.get("parameters", []), *item[op.method.lower()].get("parameters", [])]
    out = set()
    for param in map(SPEC.deref, params):
        if param.get("in") == "path" and (
            param.get("x-onstage-secret") or _is_secret_schema(param.get("schema"))
        ):
            out.add(_ident(param["name"]))
    return out


SECRET_PATHS = {op.id: secret_path_params(op) for op in SPEC.operations.values()}


class Scripted:
    """A MockTransport handler answering with the next scripted response or exception."""

    def __init__(self) -> None:
        self.next: Callable[[httpx2.Request], httpx2.Response] = lambda request: httpx2.Response(204)
        self.requests = 0

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests += 1
        return self.next(request)


def _raise(exc: Callable[[], Exception]) -> Callable[[httpx2.Request], httpx2.Response]:
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise exc()

    return handler


# ================================================================================================
# Every operation, on MockTransport
# ================================================================================================
@pytest.fixture
def anyio_backend() -> str:
    """The MockTransport sweeps exercise formatting, not the event loop or the HTTP backend: one
    run (asyncio). The real-socket test below runs on every flavour."""
    return "asyncio"


# Finding 4: sentinels through every operation (success, each status error, connection errors,
# timeouts, maybe-applied creates, unparseable bodies) with DEBUG logging. Old code: the redactor
# missed most spec secret fields, and the INFO URL line printed the access-token code.
async def test_no_sentinel_escapes_any_operation(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="onstage")
    audit = Audit()
    planted = Planted(Faker(SPEC, random.Random(4)))
    wire = Scripted()
    transport = httpx2.MockTransport(wire)
    clients = {api: make_client(api, transport, max_retries=1) for api in CREDENTIALS}
    planted.values.update(CREDENTIALS.values())
    failures: dict[str, Callable[[], Exception]] = {  # a fresh exception per raise
        "read-error": lambda: httpx2.ReadError("[Errno 104] Connection reset by peer"),
        "dropped": lambda: httpx2.RemoteProtocolError("Server disconnected without sending a response."),
        "read-timeout": lambda: httpx2.ReadTimeout("The read operation timed out"),
        "connect-error": lambda: httpx2.ConnectError("[Errno 111] Connection refused"),
    }
    ops = redacted = 0
    with backoff_scale(0.0):
        for op, resource, name in MAIN_CALLS:
            apis = [op.api] if op.api != "webinar" else ["webinar", "webinar-bearer"]
            for api in apis:
                ops += 1
                client = clients[api]
                fn = _method(client, resource, name)
                args, kwargs = planted_arguments(op, fn, planted)
                body = success_body(op, planted)
                status = op.success_status
                wire.next = lambda request, b=body, s=status: (
                    httpx2.Response(s) if b is None else httpx2.Response(s, json=b)
                )
                result = await _invoke(fn, args, kwargs)
                audit.check(f"{op.id} result", [repr(result), str(result)])
                redacted += "[redacted]" in repr(result)
                raw_fn = _method(client, f"{resource}.with_raw_response", name)
                raw = await _invoke(raw_fn, args, kwargs)
                audit.check(f"{op.id} APIResponse", [repr(raw), str(raw)])

                for i, code in enumerate(STATUSES):
                    wire.next = lambda request, c=code, b=error_body(op.api, code, i): httpx2.Response(
                        c, json=b, headers={"retry-after": "0"}
                    )
                    with pytest.raises(onstage.APIStatusError) as info:
                        await _invoke(fn, args, kwargs)
                    audit.check(f"{op.id} {code}", formatted(info.value))

                for label, exc in failures.items():
                    wire.next = _raise(exc)
                    with pytest.raises(onstage.APIConnectionError) as conn:
                        await _invoke(fn, args, kwargs)
                    audit.check(f"{op.id} {label}", formatted(conn.value))

                # 2xx bodies that do not parse: not JSON (with secrets in it), and the wrong shape
                wire.next = lambda request: httpx2.Response(
                    200, text=f"token={sentinel('token')}&policy={sentinel('policy')} {_pairs(SECRETS)}"
                )
                try:
                    await _invoke(fn, args, kwargs)
                except onstage.ResponseValidationError as err:
                    audit.check(f"{op.id} not-json", formatted(err))
                wrong = [
                    {"data": {name: sentinel(name) for name in SECRETS}, "stream_key": sentinel("stream_key")}
                ]
                wire.next = lambda request, w=wrong: httpx2.Response(200, json={"success": True, "data": w})
                try:
                    result = await _invoke(fn, args, kwargs)
                except onstage.ResponseValidationError as err:
                    audit.check(f"{op.id} wrong-shape", formatted(err))
                else:
                    audit.check(f"{op.id} wrong-shape result", [repr(result), str(result)])
    for api, client in clients.items():
        audit.check(f"{api} client", [repr(client), str(client), repr(client.with_options(max_retries=0))])
        await client.aclose()
    audit.check("logs", log_texts(caplog.records))
    record("every operation (MockTransport)", len(planted.values), audit)
    assert ops >= len(SPEC.operations)
    assert ACCESS_CODE in planted.values, "no operation took the secret access-token code"
    missing = {sentinel(name) for name in SECRETS} - planted.values
    assert not missing, f"secret fields the sweep never planted: {sorted(missing)}"
    assert redacted >= 25, "too few models showed a redacted field: is the sweep planting?"
    assert not audit.leaks, audit.report()


# Finding 4: a 2xx body of the wrong shape: the ResponseValidationError's message is redacted,
# and so must be the parser's exception chained to it (it shows in the traceback). Here an enum
# list (webhooks.list_event_types) gets an object holding a stream key. Old code: the same.
async def test_parse_errors_do_not_quote_secrets_in_their_cause() -> None:
    audit = Audit()
    body = {"success": True, "data": [{"stream_key": sentinel("stream_key"), "token": sentinel("token")}]}
    wire = Scripted()
    wire.next = lambda request: httpx2.Response(200, json=body)
    async with make_client("realtimekit", httpx2.MockTransport(wire)) as client:
        with pytest.raises(onstage.ResponseValidationError) as info:
            await client.webhooks.list_event_types()
    audit.check("ResponseValidationError", formatted(info.value))
    record("parse error causes", 2, audit)
    assert not audit.leaks, audit.report()


# Finding 4: the access-token code is a path parameter: it must not show in any log line (the INFO
# "GET <url> -> 200" line included), on any path prefix, nor in errors about that call. Old code:
# the INFO line printed the URL with the code in it.
async def test_access_token_code_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="onstage")
    audit = Audit()
    token = {"code": ACCESS_CODE, "playback_url": f"https://p.example/?access_token={ACCESS_CODE}"}
    wire = Scripted()
    wire.next = lambda request: httpx2.Response(200, json=token)
    async with make_client("tpstreams", httpx2.MockTransport(wire)) as client:
        for target in (client, client.with_options(base_url="https://tp.example/prefix/v9")):
            got = await target.assets.access_tokens.get("asset-1", ACCESS_CODE)
            assert got.code == ACCESS_CODE  # the attribute itself is the user's to read
            audit.check("model", [repr(got), str(got)])
            raw = await target.assets.access_tokens.with_raw_response.get("asset-1", ACCESS_CODE)
            audit.check("APIResponse", [repr(raw), str(raw)])
            await target.assets.access_tokens.update("asset-1", ACCESS_CODE, time_to_live=60)
            wire.next = lambda request: httpx2.Response(404, json={"detail": "Not found."})
            with pytest.raises(onstage.NotFoundError) as info:
                await target.assets.access_tokens.get("asset-1", ACCESS_CODE)
            audit.check("404", formatted(info.value))
            wire.next = lambda request: httpx2.Response(200, json=token)
    info_lines = [r for r in caplog.records if r.levelno == logging.INFO]
    assert info_lines and all("access_tokens" in r.getMessage() for r in info_lines)
    audit.check("logs", log_texts(caplog.records))
    record("access-token code (path parameter)", 1, audit)
    assert not audit.leaks, audit.report()


# Finding 4: errors raised inside a caller's own http_client (here the common httpx pattern of a
# response hook calling raise_for_status(), whose message quotes the request URL) become an
# onstage error whose text, and traceback, must not carry the access-token code of the URL.
# Old code: the same text, unredacted.
async def test_errors_from_a_callers_http_client_do_not_quote_the_code(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="onstage")
    audit = Audit()

    async def raise_for_status(response: httpx2.Response) -> None:
        response.raise_for_status()

    wire = Scripted()
    wire.next = lambda request: httpx2.Response(404, json={"detail": "Not found."})
    http = httpx2.AsyncClient(
        transport=httpx2.MockTransport(wire), event_hooks={"response": [raise_for_status]}
    )
    async with http, make_client("tpstreams", http_client=http, max_retries=0) as client:
        with pytest.raises(onstage.OnstageError) as info:
            await client.assets.access_tokens.get("asset-1", ACCESS_CODE)
    audit.check(type(info.value).__name__, formatted(info.value))
    audit.check("logs", log_texts(caplog.records))
    record("caller's http_client errors", 1, audit)
    assert not audit.leaks, audit.report()


# Finding 4: ConfigurationError and InvalidArgumentError paths never quote a credential: bad
# tokens (also from the environment), a base_url or proxy carrying credentials, header values
# with a secret and a line break. Old code: bad tokens were accepted (the first call then put the
# token in an APIConnectionError), headers raised httpx's own errors.
def test_configuration_errors_never_quote_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    audit = Audit()
    secret = CREDENTIALS["realtimekit"]
    cases: list[tuple[str, Callable[[], Any]]] = []
    for bad in (f"{secret}\n", f"{secret}é", f" {secret}", f"{secret}\r\nX-Evil: 1"):
        cases += [
            ("api_token", lambda b=bad: RealtimeKit(api_token=b, account_id="a")),
            ("token", lambda b=bad: TPStreams(token=b, organization_id="o")),
            ("api_key", lambda b=bad: Webinar(api_key=b)),
            ("bearer_token", lambda b=bad: Webinar(bearer_token=b)),
        ]
    for bad in (f"{secret}\n", f"{secret}\r\nX-Evil: 1", f"{secret}\u2028"):  # not sendable in a header
        cases.append(
            (
                "default_headers",
                lambda b=bad: RealtimeKit(api_token="t0k3n-ok", default_headers={"X-Auth": b}),
            )
        )
    for url in (
        f"https://user:{secret}@api.example.com/v4",
        f"https://user:{secret}@api.example.com:99999/v4",
        f"https://user:{secret}@api.example.com/v4?x=1",
        f"ftp://user:{secret}@api.example.com/v4",
    ):
        cases.append(("base_url", lambda u=url: RealtimeKit(api_token="t0k3n-ok", base_url=u)))
    for proxy in (
        f"http://user:{secret}@[::1",
        f"ftp://user:{secret}@proxy:3128",
        f"http://user:{secret}@p:abc",
    ):
        cases.append(("proxy", lambda p=proxy: RealtimeKit(api_token="t0k3n-ok", proxy=p)))
    for name, build in cases:
        try:
            build()
        except onstage.ConfigurationError as err:
            audit.check(name, formatted(err))
        else:
            raise AssertionError(f"{name}: accepted")
    for env, build_env in (
        ("CLOUDFLARE_API_TOKEN", lambda: RealtimeKit(account_id="a")),
        ("TPSTREAMS_TOKEN", lambda: TPStreams(organization_id="o")),
        ("TENBYTE_API_KEY", Webinar),
    ):
        for bad in (f"{secret}\n", f"{secret}é"):
            with monkeypatch.context() as m:
                m.setenv(env, bad)
                with pytest.raises(onstage.ConfigurationError) as info:
                    build_env()
            audit.check(env, formatted(info.value))
    record("configuration errors", 1, audit)
    assert not audit.leaks, audit.report()


# Finding 4: per-call header values carrying a secret and a line break are refused without
# quoting them. Old code: httpx raised its own error quoting the header value.
async def test_invalid_argument_errors_never_quote_a_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="onstage")
    audit = Audit()
    secret = CREDENTIALS["tpstreams"]
    wire = Scripted()
    async with make_client("tpstreams", httpx2.MockTransport(wire)) as client:
        for headers in (
            {"X-Auth": f"{secret}\n"},
            {"X-Auth": f"{secret}\r\nX-Evil: 1"},
            {"X-Auth": f"{secret}é\u2028"},
        ):
            with pytest.raises(onstage.InvalidArgumentError) as info:
                await client.assets.get("a-1", extra_headers=headers)
            audit.check("extra_headers", formatted(info.value))
    assert wire.requests == 0
    audit.check("logs", log_texts(caplog.records))
    assert not audit.leaks, audit.report()


# ================================================================================================
# Over real sockets, on every flavour (event loop x HTTP backend)
# ================================================================================================
@dataclass
class Reply:
    """What the loopback server does with the next request."""

    status: int = 200
    body: Any = None
    action: str = "answer"  # "answer" | "drop" (close without answering) | "hang"


@dataclass
class Loopback:
    port: int
    reply: Reply = field(default_factory=Reply)
    requests: int = 0


async def _serve_one(stream: SocketStream, server: Loopback) -> None:
    async with stream:
        buffer = b""
        with contextlib.suppress(anyio.EndOfStream, anyio.BrokenResourceError, OSError):
            while b"\r\n\r\n" not in buffer:
                buffer += await stream.receive()
            head, _, rest = buffer.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                key, _, value = line.partition(b":")
                if key.strip().lower() == b"content-length":
                    length = int(value.strip())
            while len(rest) < length:
                rest += await stream.receive()
            server.requests += 1
            reply = server.reply
            if reply.action == "drop":
                return
            if reply.action == "hang":
                await anyio.sleep(30)
                return
            payload = b"" if reply.body is None else json.dumps(reply.body).encode()
            await stream.send(
                f"HTTP/1.1 {reply.status} X\r\ncontent-type: application/json\r\n"
                f"content-length: {len(payload)}\r\nconnection: close\r\n\r\n".encode()
                + payload
            )


@contextlib.asynccontextmanager
async def loopback() -> AsyncIterator[Loopback]:
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    server = Loopback(port)

    async def handle(stream: SocketStream) -> None:
        await _serve_one(stream, server)

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, handle)
            try:
                yield server
            finally:
                tg.cancel_scope.cancel()
    finally:
        await listener.aclose()


async def _closed_port() -> int:
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    await listener.aclose()
    return int(port)


async def _real_socket_sweep(flavour: Flavour, records: list[logging.LogRecord]) -> tuple[Audit, int]:
    audit = Audit()
    planted = {ACCESS_CODE, *CREDENTIALS.values()}
    token = {"code": ACCESS_CODE, "playback_url": f"https://p.example/?access_token={ACCESS_CODE}"}
    live = {
        "id": "ls-1",
        "title": "t",
        "status": "Streaming",
        "stream_key": sentinel("stream_key"),
        "rtmp_url": f"rtmp://in.example/live/{sentinel('rtmp_url')}",
        "secret": sentinel("secret"),
    }
    planted |= {sentinel("stream_key"), sentinel("rtmp_url"), sentinel("secret")}
    async with loopback() as server:
        base = f"http://127.0.0.1:{server.port}"
        options: dict[str, Any] = {"max_retries": 0, "timeout": httpx2.Timeout(2.0, read=0.1)}
        clients = {
            "realtimekit": make_client(
                "realtimekit", flavour=flavour, base_url=f"{base}/client/v4", **options
            ),
            "tpstreams": make_client("tpstreams", flavour=flavour, base_url=base, **options),
            "webinar": make_client("webinar", flavour=flavour, base_url=f"{base}/v1/webinar", **options),
            "webinar-bearer": make_client(
                "webinar-bearer", flavour=flavour, base_url=f"{base}/v1/webinar", **options
            ),
        }
        calls: dict[str, Callable[[Any], Any]] = {
            "realtimekit": lambda c: c.livestreams.get("ls-1"),
            "tpstreams": lambda c: c.assets.access_tokens.get("asset-1", ACCESS_CODE),
            "webinar": lambda c: c.rooms.create(title="once"),
            "webinar-bearer": lambda c: c.sessions.get("s-1"),
        }
        try:
            server.reply = Reply(200, {"success": True, "data": live})
            audit.check("rtk livestream", [repr(await calls["realtimekit"](clients["realtimekit"]))])
            server.reply = Reply(200, token)
            got = await calls["tpstreams"](clients["tpstreams"])
            audit.check("tp access token", [repr(got), str(got)])
            for api, client in clients.items():
                audit.check(f"{api} client", [repr(client)])
                for i, status in enumerate(STATUSES):
                    server.reply = Reply(status, error_body(api.split("-")[0], status, i))
                    with pytest.raises(onstage.APIStatusError) as info:
                        await calls[api](client)
                    audit.check(f"{api} {status}", formatted(info.value))
                for action in ("drop", "hang"):
                    server.reply = Reply(action=action)
                    with pytest.raises(onstage.APIConnectionError) as conn:
                        await calls[api](client)
                    audit.check(f"{api} {action}", formatted(conn.value))
        finally:
            for client in clients.values():
                await client.aclose()
    refused = make_client(
        "tpstreams", flavour=flavour, base_url=f"http://127.0.0.1:{await _closed_port()}", **options
    )
    async with refused:
        with pytest.raises(onstage.APIConnectionError) as conn:
            await calls["tpstreams"](refused)
        audit.check("connection refused", formatted(conn.value))
    audit.check("logs", log_texts(records))
    return audit, len(planted)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


# Finding 4, over real loopback sockets on every flavour (the aiohttp backend's own error texts
# included): success with secret fields, each status error, a dropped connection, a read timeout
# and a refused connection, with DEBUG logging. Old code: the INFO URL line printed the code.
@pytest.mark.sync_too
def test_no_sentinel_escapes_over_real_sockets(flavour: Flavour) -> None:
    if flavour.http_backend == "aiohttp" and importlib.util.find_spec("onstage._aiohttp") is None:
        pytest.skip("the aiohttp backend (onstage._aiohttp) is not in this tree yet")
    logger = logging.getLogger("onstage")
    handler = _Collect()
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        audit, planted = anyio.run(
            _real_socket_sweep, flavour, handler.records, backend=flavour.anyio_backend
        )
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert handler.records
    record(f"real sockets ({flavour.name})", planted, audit)
    assert not audit.leaks, audit.report()
