"""No path parameter can address another route.

The exploit this guards against: ``tp.assets.chapters.delete(asset_id, "..")`` once built
``DELETE /api/v1/org1/assets/<id>/chapters/../``, which the HTTP client normalises to
``DELETE /api/v1/org1/assets/<id>/`` — deleting the asset (``test_sandbox_exploit`` shows it on the
sandbox with a raw client, then that onstage refuses it).

For EVERY operation of the spec with path parameters (from the spec, parametrized by operationId)
and each of its path parameters — positional ids, and the ids bound on clients (``account_id``,
``app_id``, ``organization_id``, also through ``with_options``) — hostile values (dot segments,
separators, percent-encodings, control characters, unicode, very long strings, arbitrary text,
wrong types) either raise ``InvalidArgumentError`` (``ConfigurationError`` for a bound id) with no
request sent, or produce exactly one request whose path, decoded as a server decodes it, matches the
operation's own route template and no other operation's (the matcher covers every operation and
method of the spec), with the value intact in its one segment.
"""

from __future__ import annotations

import functools
import math
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import anyio
import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import onstage
from onstage._gen_support import path_param
from onstage.testing import Sandbox
from tests.reliability._spec_calls import (
    BOUND,
    FULL,
    MAIN_CALLS,
    SPEC,
    Call,
    PathParam,
    arguments,
    client,
    decoded_path,
    invoke,
    method_of,
    path_params,
    resolve,
)
from tests.reliability.conftest import Flavour

try:  # the suite's figures helper (tests/reliability/_figures.py), when present
    from tests.reliability._figures import FIGURES
except ImportError:  # pragma: no cover - printed by the figures test instead
    FIGURES = None

pytestmark = pytest.mark.anyio

MAX_SEGMENT = 1024
_PLAIN = re.compile(r"[A-Za-z0-9_-]+").fullmatch
CALLS_WITH_PARAMS = {op_id: call for op_id, call in MAIN_CALLS.items() if "{" in call.op.path}
#: Query parameters a list call may add on its own (pagination).
PAGING_KEYS = {"page_no", "per_page", "page", "limit", "offset"}
# The ids each client's ``with_options`` can rebind.
REBINDABLE = {"realtimekit": {"app_id"}, "tpstreams": {"organization_id"}, "webinar": set()}

FIG: Counter[str] = Counter()
PARAMS_SEEN: set[tuple[str, str]] = set()
OPS_SEEN: set[str] = set()


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """MockTransport calls: the event loop does not matter here, asyncio only halves the runtime."""
    return "asyncio"


@pytest.fixture(scope="module", autouse=True)
def _no_bound_ids_from_the_environment() -> Iterator[None]:
    """A falsy bound id falls back to the environment: make sure there is none to fall back to."""
    with pytest.MonkeyPatch.context() as mp:
        for name in (
            "CLOUDFLARE_ACCOUNT_ID",
            "REALTIMEKIT_APP_ID",
            "TPSTREAMS_ORGANIZATION_ID",
            "REALTIMEKIT_BASE_URL",
            "TPSTREAMS_BASE_URL",
            "WEBINAR_BASE_URL",
        ):
            mp.delenv(name, raising=False)
        yield


# -- hostile values ----------------------------------------------------------------------------
DOT_SEGMENTS = [
    ".",
    "..",
    "...",
    "%2e",
    "%2E",
    ".%2E",
    "%2e.",
    "%2e%2e",
    "%2E%2e",
    "%252e%252e",
    "%25%32%65.",
]
SEPARATORS = ["/", "\\", "%2f", "%2F", "%5C", "%5c", "a/b", "a\\b", "../x", "x/..", "..\\x", "%252F", "a%2fb"]
ENCODINGS = [
    "%",
    "%25",
    "%00",
    "%zz",
    "?x=1",
    "#frag",
    "a b",
    "\t",
    "\n",
    "\r\n",
    "\x00",
    "\x7f",
    ";x",
    "a,b",
    "&a=b",
    "+",
    "@h",
    "h:1",
]
UNICODE = [
    "／",
    "．．",
    "．",
    "⁄",
    "∕",
    "\u202e..",
    "שלום",
    "مرحبا/",
    "\u200f",
    "é",
    "日本",
    "🎉",
    "\u2028",
    "\ufeff..",
]
ODD_STRINGS = DOT_SEGMENTS + SEPARATORS + ENCODINGS + UNICODE


class _StrSubclass(str):
    """A str whose own ``__str__``/``__format__`` try to sneak a traversal in."""

    def __str__(self) -> str:
        return "../x"

    def __format__(self, spec: str) -> str:
        return "../x"


BAD_TYPES: list[Any] = [
    b"meeting-1",
    b"..",
    bytearray(b"x"),
    ["a"],
    [],
    {"a": 1},
    {},
    1.0,
    math.nan,
    math.inf,
    True,
    False,
    None,
    object(),
    ("a",),
    {"a"},
]

dot_segments = st.sampled_from(DOT_SEGMENTS)
separators = st.sampled_from(SEPARATORS)
encodings = st.sampled_from(ENCODINGS)
unicode = st.one_of(
    st.sampled_from(UNICODE),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20),
    st.text(st.characters(min_codepoint=0x590, max_codepoint=0x6FF), min_size=1, max_size=8),  # RTL
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),  # lone
)
very_long = st.builds(
    lambda n, unit: (unit * n)[:n], st.integers(2_000, 10_000), st.sampled_from(["a", "é", "%2e", "/", "-"])
)
composed = st.lists(
    st.one_of(dot_segments, separators, encodings, unicode, st.text(max_size=3)), min_size=1, max_size=5
).map("".join)
hostile_text = st.one_of(
    dot_segments, separators, encodings, unicode, very_long, composed, st.text(), st.just(_StrSubclass("ok"))
)
hostile_types = st.one_of(
    st.sampled_from(BAD_TYPES),
    st.binary(max_size=8),
    st.floats(allow_nan=True),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


#: Everything a path parameter may be given: hostile text and types, and the types only some kinds
#: accept (an ``int`` for integers, a ``uuid.UUID`` for uuids), which the other kinds must refuse.
hostile_values = st.one_of(
    hostile_text,
    hostile_types,
    st.integers(),
    st.integers(-(10**1100), 10**1100),
    st.just(10**5000),
    st.builds(uuid.UUID, int=st.integers(0, 2**128 - 1)),  # st.uuids() imports lazily, mid-test
)


EXAMPLES = 600 if FULL else 10


# -- one call, judged ----------------------------------------------------------------------------
class Wire:
    """Records every request; answers 404 (the API's own shape does not matter here)."""

    def __init__(self) -> None:
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        return httpx2.Response(404, content=b'{"detail": "Not found."}')


#: One recording wire and one ``httpx2.AsyncClient`` on it for every call (building either per call
#: would cost more than the call itself).
WIRE = Wire()
HTTP = httpx2.AsyncClient(transport=httpx2.MockTransport(WIRE))
HTTP_SYNC = httpx2.Client(transport=httpx2.MockTransport(WIRE))  # the sync flavour's


def _expected(value: Any, kind: str) -> str | None:
    """The segment a server must decode for a value onstage may send; None for one it must refuse."""
    if isinstance(value, str):
        text = str.__str__(value)
    elif (kind == "integer" and type(value) is int and value.bit_length() < 4_000) or (
        kind == "uuid" and isinstance(value, uuid.UUID)
    ):
        text = str(value)
    else:
        return None
    return None if _must_refuse(text) else text


def _show(value: Any) -> str:
    """A short repr of any value (``repr`` of a 5000-digit int raises)."""
    try:
        text = repr(value)
    except ValueError:
        return f"<{type(value).__name__} of {value.bit_length()} bits>"
    return text if len(text) <= 80 else text[:77] + "..."


def _must_refuse(text: str) -> bool:
    """Values the contract refuses outright (so never sent, however they would be encoded)."""
    if not text or len(text) > MAX_SEGMENT:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not one UTF-8 segment
        return True
    decoded = text
    for _ in range(4):
        if any(c in decoded for c in "/\\") or decoded in (".", ".."):
            return True
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in decoded):
            return True
        if "%2f" in decoded.lower() or "%5c" in decoded.lower():
            return True
        decoded, previous = unquote(decoded), decoded
        if decoded == previous:
            return False
    return True


def _check_sent(call: Call, param: PathParam, value: Any, wire: Wire, host: str) -> str:
    """Exactly one request, on its own host and route, the value intact in its one segment, and
    nothing of it in the query or a fragment."""
    assert len(wire.requests) == 1, f"{call.id}: {len(wire.requests)} requests for one call"
    (request,) = wire.requests
    op = call.op
    assert request.method == op.method
    assert request.url.host == host, f"{call.id}: sent to {request.url.host!r}"
    assert not request.url.fragment, f"{call.id}: a fragment reached the URL: {request.url}"
    query = set(request.url.params) - PAGING_KEYS - {p.name for p in op.params if p.location == "query"}
    assert not query, f"{call.id}: {param.name}={_show(value)} added query parameters {query}"
    by_segment, whole = decoded_path(request)
    matches = resolve(request.method, by_segment)
    where = f"{call.id}: {param.name}={_show(value)} → {request.method} {request.url.raw_path[:300]!r}"
    expected = _expected(value, param.kind)
    if expected is None:
        raise AssertionError(f"{where}: must be refused before sending, but was sent")
    if not matches:
        FIG["misrouted"] += 1
        raise AssertionError(f"MISROUTED {where} matches no route of the spec")
    route, params = matches[0]
    if route.op.id != op.id:
        # Only an id spelled like another route's literal segment (``apps``) can do that: the API's
        # own ambiguity, not an encoding failure. A hostile value never may.
        if _PLAIN(expected) and expected in route.segments:
            return "ambiguous"
        FIG["misrouted"] += 1
        raise AssertionError(f"MISROUTED {where} is route {route.op.id}")
    assert params[param.spec_name] == expected, (
        f"{where}: the value arrived as {params[param.spec_name]!r:.80}"
    )
    assert len(whole) == len(route.segments), (
        f"{where}: the fully decoded path has {len(whole)} segments, "
        f"the route {len(route.segments)}: {request.url.raw_path[:300]!r}"
    )
    assert not {".", ".."} & set(whole), f"{call.id}: a dot segment after decoding: {request.url.raw_path!r}"
    too_long = [len(s) for s in by_segment if len(s) > MAX_SEGMENT]
    assert not too_long, (
        f"{call.id}: {param.name} sent as a {too_long[0]}-character segment (max {MAX_SEGMENT})"
    )
    return "matched"


class Caller:
    """One operation's facade call, built once: its clients (on the shared ``WIRE``) and arguments."""

    def __init__(self, call: Call, *, sync: bool = False) -> None:
        self.call = call
        self.sync = sync
        self.client = client(call.op.api, http=HTTP_SYNC if sync else HTTP, sync=sync, max_retries=0)
        self.fn = method_of(self.client, call.resource, call.name)
        self.args, self.kwargs = arguments(call.op, self.fn, call.fixed)
        self.params = path_params(call, self.fn)
        self.host = httpx2.URL(self.client.base_url).host

    async def try_value(self, param: PathParam, value: Any) -> list[str]:
        """Call with ``value`` as ``param``: the outcomes (one per way of passing it)."""
        with anyio.fail_after(5):
            if not param.bound:
                args = list(self.args)
                args[param.position] = value
                return [await self._call(self.fn, args, param, value)]
            outcomes = [await self._bound(param, value, rebind=False)]
            if param.name in REBINDABLE[self.call.op.api] and value is not None:  # None: "keep it"
                outcomes.append(await self._bound(param, value, rebind=True))
            return outcomes

    async def _bound(self, param: PathParam, value: Any, *, rebind: bool) -> str:
        """``value`` bound on a new client (or rebound with ``with_options``), then the call."""
        WIRE.requests.clear()
        call = self.call
        try:
            if rebind:
                other = self.client.with_options(**{param.name: value})
            else:
                other = client(
                    call.op.api,
                    http=HTTP_SYNC if self.sync else HTTP,
                    sync=self.sync,
                    max_retries=0,
                    **{param.name: value},
                )
        except onstage.ConfigurationError as exc:
            assert not WIRE.requests
            _check_message(exc)
            return "rejected"
        fn = method_of(other, call.resource, call.name)
        try:
            return await self._call(fn, self.args, param, value)
        except onstage.ConfigurationError:
            # a falsy id (``""``) means "not given": the call then says the client needs one
            assert not WIRE.requests, f"{call.id}: ConfigurationError after sending"
            return "rejected at call"

    async def _call(self, fn: Any, args: list[Any], param: PathParam, value: Any) -> str:
        WIRE.requests.clear()
        try:
            await invoke(fn, args, self.kwargs)
        except onstage.InvalidArgumentError as exc:
            assert not WIRE.requests, f"{self.call.id}: InvalidArgumentError after sending"
            _check_message(exc)
            return "rejected"
        except onstage.APIStatusError:
            pass
        return _check_sent(self.call, param, value, WIRE, self.host)


def _check_message(exc: BaseException) -> None:
    assert len(str(exc)) <= 2_500, f"an unbounded {type(exc).__name__} message ({len(str(exc))} chars)"


def _record(call: Call, param: PathParam, value: Any, outcomes: list[str]) -> None:
    OPS_SEEN.add(call.id)
    PARAMS_SEEN.add((call.id, param.name))
    for outcome in outcomes:
        FIG["values tried"] += 1
        FIG[outcome] += 1
    _publish()


def _publish() -> None:
    fields = {
        "operations covered": f"{len(OPS_SEEN)} of {len(CALLS_WITH_PARAMS)} with path parameters",
        "params covered": len(PARAMS_SEEN),
        "values tried": FIG["values tried"],
        "rejected": FIG["rejected"] + FIG["rejected at call"],
        "sent and matched": FIG["matched"],
        "ambiguous by the API's own routes": FIG["ambiguous"],
        "misrouted": FIG["misrouted"],
    }
    if FIGURES is not None:
        FIGURES.record("misrouting", "path parameters (MockTransport)", **fields)


# -- the tests -----------------------------------------------------------------------------------
CALLERS = {op_id: Caller(call) for op_id, call in CALLS_WITH_PARAMS.items()}
SYNC_CALLERS = {op_id: Caller(call, sync=True) for op_id, call in CALLS_WITH_PARAMS.items()}


def callers(flavour: Flavour) -> dict[str, Caller]:
    """Each operation's call on the flavour's client (the sync one in the test's thread)."""
    return SYNC_CALLERS if flavour.sync else CALLERS


PARAMS = {op_id: caller.params for op_id, caller in CALLERS.items()}
CATALOG: list[Any] = [
    *ODD_STRINGS,
    *BAD_TYPES,
    _StrSubclass("ok"),
    "x" * 1025,
    "x" * 1024,
    "\ud800",
    "a\udfffb",
    7,
    -(10**1030),
    10**5000,
    uuid.UUID(int=7),
]


def test_every_operation_with_path_parameters_is_covered() -> None:
    with_params = {op.id for op in SPEC.operations.values() if any(p.location == "path" for p in op.params)}
    assert set(CALLS_WITH_PARAMS) == with_params
    kinds = Counter(p.kind for params in PARAMS.values() for p in params)
    assert kinds["integer"] and kinds["uuid"] and kinds["string"]
    bound = {p.name for params in PARAMS.values() for p in params if p.bound}
    assert bound == set(BOUND)


@pytest.mark.sync_too
@pytest.mark.parametrize("op_id", sorted(CALLS_WITH_PARAMS))
async def test_catalog(op_id: str, flavour: Flavour) -> None:
    """Every catalogued hostile value (and type) as every path parameter of the operation. A bound
    id's value that the client refuses at construction is refused whatever the operation
    (``test_bound_id_catalog``): here each operation gets the ones it accepts, to route them."""
    caller = callers(flavour)[op_id]
    for param in caller.params:
        for index, value in enumerate(CATALOG):
            if param.bound and _refused_at_construction(caller.call.op.api, param.name, index):
                continue
            _record(caller.call, param, value, await caller.try_value(param, value))


@functools.cache
def _refused_at_construction(api: str, name: str, index: int) -> bool:
    try:
        client(api, http=HTTP, **{name: CATALOG[index]})
    except onstage.ConfigurationError:
        return True
    return False


BOUND_IDS = sorted({(c.call.op.api, p.name) for c in CALLERS.values() for p in c.params if p.bound})


@pytest.mark.parametrize(("api", "name"), BOUND_IDS, ids=[f"{a}.{n}" for a, n in BOUND_IDS])
@pytest.mark.sync_too
async def test_bound_id_catalog(api: str, name: str, flavour: Flavour) -> None:
    """Every catalogued value as a bound id, at construction and through ``with_options``, on the
    first operation that uses it: refused with ``ConfigurationError`` or routed right."""
    caller = next(
        c
        for c in callers(flavour).values()
        if c.call.op.api == api and any(p.name == name for p in c.params if p.bound)
    )
    param = next(p for p in caller.params if p.name == name)
    for value in CATALOG:
        _record(caller.call, param, value, await caller.try_value(param, value))


@pytest.mark.parametrize("op_id", sorted(CALLS_WITH_PARAMS))
@settings(
    derandomize=True,
    deadline=None,
    max_examples=EXAMPLES,
    database=None,
    # the flavour fixture is a constant per test (its clean-up only closes sync clients)
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
@pytest.mark.sync_too
async def test_generated(op_id: str, data: st.DataObject, flavour: Flavour) -> None:
    """Hypothesis-generated hostile values for a path parameter of the operation."""
    caller = callers(flavour)[op_id]
    param = data.draw(st.sampled_from(caller.params), label="param")
    value = data.draw(hostile_values, label="value")
    _record(caller.call, param, value, await caller.try_value(param, value))


UNENCODABLE = [
    ("string", "\ud800"),
    ("string", "a\udfffb"),
    ("uuid", "\udc80"),
    ("integer", "\ud800"),
    ("integer", 10**5000),
    ("integer", -(10**2000)),
    ("bound", "\ud800"),
]


@pytest.mark.parametrize(
    ("kind", "value"),
    UNENCODABLE,
    ids=[
        "string-lone-high-surrogate",
        "string-lone-low-surrogate",
        "uuid-lone-surrogate",
        "integer-lone-surrogate",
        "integer-over-4300-digits",
        "integer-2001-chars",
        "bound-lone-surrogate",
    ],
)
async def test_unencodable_and_oversized_values_are_refused(kind: str, value: Any) -> None:
    """Values that cannot become one bounded UTF-8 segment are an ``InvalidArgumentError``
    (``ConfigurationError`` bound on a client) with nothing sent — not a ``UnicodeEncodeError``,
    not Python's int-to-str ``ValueError``, not a 2001-character segment."""
    bound = kind == "bound"
    caller, param = next(
        (c, p)
        for c in CALLERS.values()
        for p in c.params
        if (p.bound if bound else (not p.bound and p.kind == kind))
    )
    assert await caller.try_value(param, value) == ["rejected"] * (
        2 if param.name in REBINDABLE[caller.call.op.api] else 1
    )
    with pytest.raises(onstage.InvalidArgumentError):
        path_param("x", value, "string" if bound else kind)  # type: ignore[arg-type]


async def test_sandbox_exploit() -> None:
    """The original exploit on real loopback HTTP: a raw client deletes the asset with
    ``chapters/../``; onstage refuses every dot segment and bound id before sending."""
    video = {"title": "Intro", "inputs": [{"url": "https://example.com/intro.mp4"}], "resolutions": ["240p"]}
    with anyio.fail_after(20):
        async with Sandbox() as sb:
            tp = sb.tpstreams()
            # control: what ``..`` does when nothing stops it
            victim = await tp.assets.videos.create(**video)
            async with httpx2.AsyncClient() as raw:
                url = f"{sb.url}/api/v1/org1/assets/{victim.id}/chapters/../"
                assert urlsplit(str(httpx2.URL(url))).path == f"/api/v1/org1/assets/{victim.id}/"
                await raw.delete(url, headers={"Authorization": f"Token {sb.tpstreams_token}"})
            with pytest.raises(onstage.NotFoundError):
                await tp.assets.get(victim.id)

            asset = await tp.assets.videos.create(**video)
            for hostile in ("..", ".", "%2e%2e", "../..", ".%2E"):
                with pytest.raises(onstage.InvalidArgumentError):
                    await tp.assets.chapters.delete(asset.id, hostile)
                with pytest.raises(onstage.InvalidArgumentError):
                    await tp.assets.delete(hostile)
            assert (await tp.assets.get(asset.id)).id == asset.id  # still there

            rtk = sb.realtimekit()
            meeting = await rtk.meetings.create(title="Standup")
            for hostile in ("..", ".", "%2E%2E", "..%2f"):
                with pytest.raises(onstage.InvalidArgumentError):
                    await rtk.meetings.get(hostile)
            assert (await rtk.meetings.get(meeting.id)).id == meeting.id

            wb = sb.webinar()
            room = await wb.rooms.create(title="Launch")
            for hostile in ("..", ".", "%2e."):
                with pytest.raises(onstage.InvalidArgumentError):
                    await wb.rooms.get(hostile)
                with pytest.raises(onstage.InvalidArgumentError):
                    await wb.rooms.delete(hostile)
            assert (await wb.rooms.get(room.id)).id == room.id

            for bad in ("..", ".", "a/b", "%2e%2e"):
                with pytest.raises(onstage.ConfigurationError):
                    sb.realtimekit(account_id=bad)
                with pytest.raises(onstage.ConfigurationError):
                    sb.realtimekit(app_id=bad)
                with pytest.raises(onstage.ConfigurationError):
                    sb.tpstreams(organization_id=bad)
                with pytest.raises(onstage.ConfigurationError):
                    rtk.with_options(app_id=bad)
                with pytest.raises(onstage.ConfigurationError):
                    tp.with_options(organization_id=bad)
            assert len(await tp.assets.list().to_list()) == 1
