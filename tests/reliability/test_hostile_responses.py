"""Whatever a server answers, a facade call returns a parsed result or raises an ``OnstageError``.

For EVERY operation of the spec (parametrized by operationId) the facade call is answered with its
spec-shaped success body (``Faker``, as in the every-operation test) and with hostile variants of it:
wrong types everywhere and at random JSON paths (hypothesis), nulls, unknown enum values, unknown
fields, absurd numbers and dates, nesting around the recursion limit, big strings, invalid UTF-8,
HTML, empty bodies, lying ``content-type``/``content-encoding`` headers and odd statuses. Each call
must return normally or raise an ``OnstageError`` subclass, within ``anyio.fail_after``, with a
bounded message. Then, on a few representative operations: huge bodies (100k-deep brackets, 12 MB
strings, 10 MB error messages), absurd ``Retry-After`` values, ``max_response_bytes`` (announced,
chunked, gzip bomb) and hostile pages for every list operation.

Anything else escaping (``RecursionError``, ``UnicodeDecodeError``, ``LookupError``,
``httpx2.DecodingError``, ``ValueError``, a timeout...) is an escape: the figures count them and the
test fails, naming the reply.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import sys
import time
import traceback
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx2
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import onstage
from onstage._client_core import _error_body
from onstage._errors import ResponseTooLargeError, make_status_error
from onstage._retry import retry_after_seconds
from onstage.testing import backoff_scale
from tests.reliability._spec_calls import (
    FULL,
    MAIN_CALLS,
    PAGINATED,
    SPEC,
    Call,
    arguments,
    client,
    invoke,
    items_for,
    method_of,
    page_body,
    success_body,
)
from tests.reliability.conftest import Flavour

try:  # the suite's figures helper (tests/reliability/_figures.py), when present
    from tests.reliability._figures import FIGURES, format_counts
except ImportError:  # pragma: no cover
    FIGURES = None  # type: ignore[assignment]

    def format_counts(counts: Any) -> str:  # type: ignore[misc]
        return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if v) or "none"


pytestmark = pytest.mark.anyio

MAX_MESSAGE = 2_500
MAX_KEPT_BODY = 64 * 1024 + 200  # MAX_ERROR_BODY plus the truncation marker
CALL_DEADLINE = 5.0
EXAMPLES = 150 if FULL else 8
BIG = 12_000_000 if FULL else 1_000_000  # the per-operation big string

FIG: Counter[str] = Counter()
ERRORS: Counter[str] = Counter()
OPS_SEEN: set[str] = set()


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """MockTransport calls: the event loop does not matter here, asyncio only halves the runtime."""
    return "asyncio"


# -- replies ---------------------------------------------------------------------------------------
@dataclass
class Reply:
    """One hostile answer: status, raw headers, and the body (bytes, or chunks sent without a length)."""

    label: str
    status: int = 200
    body: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    chunks: list[bytes] | None = None
    #: What a ``ResponseValidationError`` must chain as ``__cause__`` for this reply, if anything.
    cause: tuple[type[BaseException], ...] = ()

    def response(self) -> httpx2.Response:
        """Streamed, as from a socket: decoding (and its errors) happens when onstage reads it (a
        ``content=`` Response would decode inside the mock handler)."""
        if self.chunks is not None:
            return httpx2.Response(self.status, headers=self.headers, stream=_Chunks(self.chunks))
        headers = self.headers
        if not any(name.lower() == b"content-length" for name, _ in headers):
            headers = [*headers, (b"content-length", str(len(self.body)).encode())]
        return httpx2.Response(self.status, headers=headers, stream=_Chunks([self.body]))


class _Chunks(httpx2.AsyncByteStream, httpx2.SyncByteStream):
    """A body in chunks, for either flavour's client."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks


class Responder:
    """The MockTransport handler: answers every request with the current reply (or ``pages``)."""

    def __init__(self) -> None:
        self.reply: Reply | Callable[[httpx2.Request], httpx2.Response] = Reply("unset", 500)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        reply = self.reply
        return reply.response() if isinstance(reply, Reply) else reply(request)


#: One handler and one ``httpx2.AsyncClient`` for every call (building them per call costs more).
WIRE = Responder()
HTTP = httpx2.AsyncClient(transport=httpx2.MockTransport(WIRE))
HTTP_SYNC = httpx2.Client(transport=httpx2.MockTransport(WIRE))  # the sync flavour's

JSON = [(b"content-type", b"application/json")]
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>"
HOLE = "\x00@@hole@@"  # a placeholder string replaced by raw bytes after json.dumps
HOLE_BYTES = json.dumps(HOLE).encode()


def dumps(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


def with_hole(value: Any, raw: bytes) -> bytes:
    """``value`` serialized with its ``HOLE`` string replaced by ``raw`` (any bytes, deep or huge)."""
    return dumps(value).replace(HOLE_BYTES, raw, 1)


# -- JSON mutations --------------------------------------------------------------------------------
def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = replace(value[head], rest, new)
    return copy


def transform(value: Any, leaf: Callable[[Any], Any], node: Callable[[Any], Any] = lambda v: v) -> Any:
    """``value`` with every leaf passed through ``leaf`` and every container through ``node``."""
    if isinstance(value, dict):
        return node({k: transform(v, leaf, node) for k, v in value.items()})
    if isinstance(value, list):
        return node([transform(v, leaf, node) for v in value])
    return leaf(value)


def _strings(new: Any) -> Callable[[Any], Any]:
    return lambda v: new if isinstance(v, str) else v


def _numbers(new: Any) -> Callable[[Any], Any]:
    return lambda v: new if isinstance(v, int | float) and not isinstance(v, bool) else v


EXTRA = {"zz_unknown_field": {"nested": [1, {"x": None}]}, "zz_other": "new"}
NANO_EPOCH = 1_700_000_000_000_000_000
BAD_DATES = ["2024-13-45T99:99:99Z", "99999-12-31T23:59:59Z", "0000-00-00T00:00:00Z", "yesterday", ""]

#: Whole-body transforms of the spec-shaped body (each a separate reply).
TRANSFORMS: dict[str, Callable[[Any], Any]] = {
    "every leaf null": lambda b: transform(b, lambda v: None),
    "unknown enum values (every string)": lambda b: transform(b, _strings("BRAND_NEW_VALUE_42")),
    "strings become ints": lambda b: transform(b, _strings(12345)),
    "strings become lists": lambda b: transform(b, _strings(["x"])),
    "strings become objects": lambda b: transform(b, _strings({"x": 1})),
    "numbers become strings": lambda b: transform(b, _numbers("x")),
    "numbers 1e20": lambda b: transform(b, _numbers(1e20)),
    "numbers -1e20": lambda b: transform(b, _numbers(-1e20)),
    "numbers Infinity": lambda b: transform(b, _numbers(math.inf)),
    "numbers NaN": lambda b: transform(b, _numbers(math.nan)),
    "numbers nanosecond epoch": lambda b: transform(b, _numbers(NANO_EPOCH)),
    "strings 2024-13-45T99:99:99Z": lambda b: transform(b, _strings(BAD_DATES[0])),
    "strings year 99999": lambda b: transform(b, _strings(BAD_DATES[1])),
    "strings nanosecond epoch": lambda b: transform(b, _strings(NANO_EPOCH)),
    "strings empty": lambda b: transform(b, _strings("")),
    "bools become strings": lambda b: transform(b, lambda v: "true" if isinstance(v, bool) else v),
    "objects become lists": lambda b: transform(
        b, lambda v: v, lambda n: list(n.values()) if isinstance(n, dict) else n
    ),
    "lists become objects": lambda b: transform(
        b, lambda v: v, lambda n: {"0": n[0]} if isinstance(n, list) and n else n
    ),
    "lists of nulls": lambda b: transform(
        b, lambda v: v, lambda n: [None, None] if isinstance(n, list) else n
    ),
    "unknown fields everywhere": lambda b: transform(
        b, lambda v: v, lambda n: {**n, **EXTRA} if isinstance(n, dict) else n
    ),
}

LIMIT = sys.getrecursionlimit()


def catalog(op_body: Any, success: int) -> list[Reply]:
    """What every operation gets: its spec body, transformed and holed (what its parser sees)."""
    base = {} if op_body is None else op_body
    out = [Reply("spec body", success, dumps(base), JSON)]
    out += [Reply(name, success, dumps(fn(base)), JSON) for name, fn in TRANSFORMS.items()]
    first_leaf = next((p for p in paths(base) if p and not isinstance(_get(base, p), dict | list)), ())
    holed = replace(base, first_leaf, HOLE)
    under, over = LIMIT - 60, LIMIT + 60
    out += [
        Reply(
            "nesting just under the recursion limit",
            success,
            with_hole(holed, b"[" * under + b"]" * under),
            JSON,
        ),
        Reply(
            "nesting just over the recursion limit",
            success,
            with_hole(holed, b"[" * over + b"]" * over),
            JSON,
        ),
        Reply(
            "objects nested just under the limit",
            success,
            with_hole(holed, b'{"a":' * under + b"1" + b"}" * under),
            JSON,
        ),
        Reply(
            f"{BIG / 1e6:g} MB string in a field", success, with_hole(holed, b'"' + b"m" * BIG + b'"'), JSON
        ),
        Reply("5000-digit integer", success, with_hole(holed, b"9" * 5000), JSON),
        Reply("1e400", success, with_hole(holed, b"1e400"), JSON),
        Reply("invalid UTF-8 in a string", success, with_hole(holed, b'"\xff\xfe\xc3\x28"'), JSON),
        Reply("lone surrogate escape", success, with_hole(holed, b'"\\ud800"'), JSON),
        Reply("empty body", success, b"", JSON),
        Reply("JSON null", success, b"null", JSON),
        Reply("JSON list", success, b"[1, null, {}]", JSON),
        Reply("JSON string", success, b'"ok"', JSON),
        Reply("JSON number", success, b"0", JSON),
        Reply("truncated JSON", success, dumps(base)[: max(1, len(dumps(base)) // 2)], JSON),
    ]
    for status in (200, 201, 204, 299, 400, 404, 500):
        if status != success:
            out.append(Reply(f"spec body on {status}", status, dumps(base), JSON))
    return out


def wire_catalog(op_body: Any, success: int) -> list[Reply]:
    """Bytes, headers and error statuses: the read/decode/error path every operation shares
    (run on representative operations; on all of them in the full profile)."""
    base = {} if op_body is None else op_body
    nested = b"[" * (LIMIT - 60) + b"]" * (LIMIT - 60)
    out = [
        Reply("UTF-8 BOM", success, b"\xef\xbb\xbf" + dumps(base), JSON),
        Reply("UTF-16 body", success, json.dumps(base).encode("utf-16"), JSON),
        Reply("invalid UTF-8 bytes", success, b"\xff\xfe\xfd\x80\x81", JSON, cause=(ValueError,)),
        Reply("HTML page", success, HTML, [(b"content-type", b"text/html")], cause=(ValueError,)),
        Reply("truncated JSON", success, dumps(base)[:-1] or b"{", JSON, cause=(ValueError,)),
        Reply("empty, no content-type", success),
        Reply("content-type text/html on JSON", success, dumps(base), [(b"content-type", b"text/html")]),
        Reply(
            "charset=rot13 on JSON",
            success,
            dumps(base),
            [(b"content-type", b"application/json; charset=rot13")],
        ),
        Reply(
            "gzip body, no content-encoding", success, gzip.compress(dumps(base)), JSON, cause=(ValueError,)
        ),
        Reply(
            "gzip body, content-encoding: gzip",
            success,
            gzip.compress(dumps(base)),
            [*JSON, (b"content-encoding", b"gzip")],
        ),
        Reply(
            "content-encoding gzip on a plain body",
            success,
            dumps(base),
            [*JSON, (b"content-encoding", b"gzip")],
            cause=(httpx2.DecodingError,),
        ),
    ]
    out += [
        Reply(
            f"content-encoding {enc} on a plain body",
            success,
            dumps(base),
            [*JSON, (b"content-encoding", enc.encode())],
        )
        for enc in ("deflate", "gzip, deflate", "br", "zstd", "x-unknown")
    ]
    for status in (400, 401, 403, 404, 409, 418, 422, 429, 500, 502, 503, 599):
        out.append(Reply(f"{status}, API error shape", status, API_ERRORS[status % 3], JSON))
        out.append(Reply(f"{status}, spec success body", status, dumps(base), JSON))
    out += [
        Reply("400, HTML", 400, HTML, [(b"content-type", b"text/html")]),
        Reply("500, empty", 500),
        Reply("400, invalid UTF-8", 400, b"\xff\xfe bad \x80", [(b"content-type", b"text/plain")]),
        Reply("400, charset=rot13", 400, b"bad request", [(b"content-type", b"text/plain; charset=rot13")]),
        Reply("400, charset=base64", 400, b"bad request", [(b"content-type", b"text/plain; charset=base64")]),
        Reply(
            "400, charset=idna", 400, b"bad \xff request", [(b"content-type", b"text/plain; charset=idna")]
        ),
        Reply(
            "400, charset=bogus",
            400,
            b"bad \xff request",
            [(b"content-type", b"text/plain; charset=no-such")],
        ),
        Reply("400, lying gzip", 400, b'{"detail": "x"}', [*JSON, (b"content-encoding", b"gzip")]),
        Reply("503, lying gzip", 503, b"Service Unavailable", [(b"content-encoding", b"gzip")]),
        Reply("422, nested field errors", 422, with_hole({"field": HOLE}, nested), JSON),
        Reply("400, nested list", 400, nested, JSON),
        Reply(
            "409, error message null",
            409,
            dumps({"success": False, "error": {"code": None, "message": None}}),
            JSON,
        ),
        Reply("400, error is a list", 400, dumps({"error": [1, 2], "errors": {"x": 1}, "message": 5}), JSON),
    ]
    return out


API_ERRORS = [
    dumps({"success": False, "error": {"code": 4242, "message": "The meeting is gone"}}),
    dumps({"detail": "Not found.", "title": ["This field is required."]}),
    dumps({"success": False, "error": "not_found", "message": "Room not found", "code": "ROOM_NOT_FOUND"}),
]


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


# -- judging one call ------------------------------------------------------------------------------
class Target:
    """One operation's facade call, built once, answered with any reply."""

    def __init__(self, call: Call, *, sync: bool = False) -> None:
        self.call = call
        self.client = client(call.op.api, http=HTTP_SYNC if sync else HTTP, sync=sync, max_retries=0)
        self.fn = method_of(self.client, call.resource, call.name)
        self.args, self.kwargs = arguments(call.op, self.fn, call.fixed)
        self.body = success_body(call.op)

    async def answer(self, reply: Reply, fn: Callable[..., Any] | None = None) -> str:
        """The outcome of the call answered with ``reply``: ``"model"`` or the error's class name."""
        WIRE.reply = reply
        WIRE.requests.clear()
        OPS_SEEN.add(self.call.id)
        FIG["bodies tried"] += 1
        return await judge(
            self.call.id, reply.label, lambda: invoke(fn or self.fn, self.args, self.kwargs), reply.cause
        )


async def judge(
    op_id: str, label: str, call: Callable[[], Any], cause: tuple[type[BaseException], ...] = ()
) -> str:
    """``"model"``, the ``OnstageError``'s class name, or ``"escape"`` (recorded in ``ESCAPES``)."""
    try:
        with anyio.fail_after(CALL_DEADLINE):
            result = await call()
        repr(result)
    except onstage.OnstageError as exc:
        name = type(exc).__name__
        ERRORS[name] += 1
        if (
            cause
            and isinstance(exc, onstage.ResponseValidationError)
            and not isinstance(exc.__cause__, cause)
        ):
            return _violation(
                op_id,
                label,
                f"{name} without the original {cause[0].__name__} as __cause__ (got {exc.__cause__!r:.80})",
            )
        message = str(exc)
        if len(message) > MAX_MESSAGE or len(repr(exc)) > MAX_MESSAGE + 200:
            return _violation(op_id, label, f"an unbounded {name} message ({len(message)} characters)")
        kept = getattr(exc, "body", None)
        if _size_over(kept, MAX_KEPT_BODY):
            return _violation(op_id, label, f"{name}.body keeps more than {MAX_KEPT_BODY} characters")
        return name
    except Exception as exc:
        return _escape(op_id, label, f"{type(exc).__name__} escaped:\n{_where(exc)}")
    FIG["models returned"] += 1
    return "model"


ESCAPES: list[str] = []


def _size_over(value: Any, limit: int) -> bool:
    """Whether ``value`` (text, bytes or parsed JSON) is longer than ``limit`` characters as JSON,
    walking no more of it than that."""
    budget = limit
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str | bytes):
            budget -= len(item) + 2
        elif isinstance(item, dict):
            budget -= 2 + 4 * len(item)
            for key, inner in item.items():
                stack.append(key)
                stack.append(inner)
        elif isinstance(item, list | tuple):
            budget -= 2 + len(item)
            stack.extend(item)
        else:
            budget -= 4
        if budget < 0:
            return True
    return False


def _where(exc: BaseException) -> str:
    """The traceback's onstage frames and its last two frames, then the exception."""
    frames = traceback.extract_tb(exc.__traceback__)
    keep = [f for f in frames[:-2] if "/onstage/" in f.filename and "/tests/" not in f.filename] + frames[-2:]
    text = "".join(traceback.format_list(keep)) + "".join(traceback.format_exception_only(exc))
    return text[-3000:]


def _escape(op_id: str, label: str, what: str, *, kind: str = "escapes") -> str:
    """Record a failure: ``escapes`` (anything but an ``OnstageError``, or a hang) or ``contract
    violations`` (an ``OnstageError`` with an unbounded message or body, or no ``__cause__``)."""
    FIG[kind] += 1
    ESCAPES.append(f"{op_id} answered with [{label}]: {what}")
    return "escape" if kind == "escapes" else "violation"


def _violation(op_id: str, label: str, what: str) -> str:
    return _escape(op_id, label, what, kind="contract violations")


def no_escapes(since: int) -> None:
    """Fail with every failure recorded since ``since`` (one line per reply, then the first in full)."""
    _publish()
    found = ESCAPES[since:]
    if found:
        heads = "\n".join(f"  - {e.splitlines()[0]}" for e in found[:40])
        raise AssertionError(f"{len(found)} failure(s):\n{heads}\n\nfirst:\n{found[0]}")


def _publish() -> None:
    if FIGURES is None:
        return
    FIGURES.record(
        "hostile responses",
        "every operation (MockTransport)",
        operations=f"{len(OPS_SEEN)} of {len(SPEC.operations)}",
        bodies_tried=FIG["bodies tried"],
        models_returned=FIG["models returned"],
        onstage_errors=format_counts(ERRORS),
        pagination_runs=FIG["pagination runs"],
        escapes=FIG["escapes"],
        contract_violations=FIG["contract violations"],
    )


TARGETS = {op_id: Target(call) for op_id, call in MAIN_CALLS.items()}
SYNC_TARGETS = {op_id: Target(call, sync=True) for op_id, call in MAIN_CALLS.items()}
OPS = sorted(TARGETS)


def target_for(op_id: str, flavour: Flavour) -> Target:
    """The operation's call on the flavour's client (the sync one runs in the test's thread: the
    mock transport answers at once)."""
    return (SYNC_TARGETS if flavour.sync else TARGETS)[op_id]


# -- representative operations ------------------------------------------------------------------
def _representatives() -> list[str]:
    """One operation per API, parse style and method kind (full profile), or per API (bounded): the
    huge bodies exercise the shared read/parse/error path, the per-operation catalog the rest."""
    chosen: dict[tuple[str, ...], str] = {}
    for op_id in OPS:
        op = SPEC.operations[op_id]
        style = op.meta.get("paginate", {}).get("style", "single")
        key = (op.api, style, str(op.method == "GET")) if FULL else (op.api,)
        chosen.setdefault(key, op_id)
    return sorted(chosen.values())


REPRESENTATIVE = _representatives()
#: The wire catalog's operations: a GET and another method of each API (every operation, full).
WIRE_OPS = (
    OPS
    if FULL
    else sorted(
        {(SPEC.operations[o].api, SPEC.operations[o].method == "GET"): o for o in reversed(OPS)}.values()
    )
)


def test_every_operation_is_answered() -> None:
    assert set(TARGETS) == set(SPEC.operations)


# -- every operation: the catalog, and hypothesis mutations ------------------------------------------
@pytest.mark.sync_too
@pytest.mark.parametrize("op_id", OPS)
async def test_catalog(op_id: str, flavour: Flavour) -> None:
    target, since = target_for(op_id, flavour), len(ESCAPES)
    for reply in catalog(target.body, target.call.op.success_status):
        await target.answer(reply)
    no_escapes(since)


@pytest.mark.sync_too
@pytest.mark.parametrize("op_id", WIRE_OPS)
async def test_wire_replies(op_id: str, flavour: Flavour) -> None:
    """Encodings, charsets, error statuses and error bodies."""
    target, since = target_for(op_id, flavour), len(ESCAPES)
    for reply in wire_catalog(target.body, target.call.op.success_status):
        outcome = await target.answer(reply)
        if reply.status >= 400 and outcome == "ResponseValidationError":
            _violation(
                op_id, reply.label, f"a {reply.status} became a ResponseValidationError, not a status error"
            )
    no_escapes(since)


HOSTILE_JSON = st.one_of(
    st.sampled_from(
        [
            None,
            0,
            -1,
            True,
            "",
            "x",
            "BRAND_NEW_VALUE",
            [],
            {},
            [None],
            {"id": None},
            1e20,
            -1e20,
            math.inf,
            -math.inf,
            math.nan,
            NANO_EPOCH,
            2**64,
            -(2**63) - 1,
            *BAD_DATES,
            "\u202e\u0000",
        ]
    ),
    st.text(max_size=20),
    st.integers(),
    st.floats(),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=8,
    ),
)


@st.composite
def mutated(draw: st.DrawFn, target: Target) -> Reply:
    """The spec body with 1-4 random paths replaced, extra fields and a random status/headers."""
    body: Any = {} if target.body is None else target.body
    labels = []
    for _ in range(draw(st.integers(1, 4))):
        choices = list(paths(body))
        path = draw(st.sampled_from(choices))
        if draw(st.booleans()) and isinstance(_get(body, path), dict):
            key = draw(st.sampled_from(["zz_new", "id", "data", "results", "paging", "next", "count"]))
            new = draw(HOSTILE_JSON)
            body = replace(body, path, {**_get(body, path), key: new})
            labels.append(f"{'/'.join(map(str, path))}+{key}={new!r:.40}")
        else:
            new = draw(HOSTILE_JSON)
            body = replace(body, path, new)
            labels.append(f"{'/'.join(map(str, path)) or '<root>'}={new!r:.40}")
    status = draw(
        st.sampled_from(
            [target.call.op.success_status] * 6 + [200, 201, 204, 299, 400, 404, 422, 429, 500, 503]
        )
    )
    headers = draw(
        st.sampled_from(
            [
                JSON,
                JSON,
                JSON,
                [],
                [(b"content-type", b"text/plain; charset=latin-1")],
                [(b"content-type", b"text/html")],
            ]
        )
    )
    return Reply(f"status {status}, {'; '.join(labels)}", status, dumps(body), headers)


@pytest.mark.parametrize("op_id", OPS)
@settings(
    derandomize=True,
    deadline=None,
    max_examples=EXAMPLES,
    database=None,
    phases=(Phase.explicit, Phase.generate),  # no shrinking: the failure names its reply
    # the flavour fixture is a constant per test (its clean-up only closes sync clients)
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
@pytest.mark.sync_too
async def test_mutations(op_id: str, data: st.DataObject, flavour: Flavour) -> None:
    target, since = target_for(op_id, flavour), len(ESCAPES)
    await target.answer(data.draw(mutated(target), label="reply"))
    no_escapes(since)


def _huge_replies(success: int) -> list[Reply]:
    ten_mb = "e" * 10_000_000
    return [
        Reply("[ x 100,000", success, b"[" * 100_000, JSON),
        Reply('{"a": x 50,000', success, b'{"a":' * 50_000, JSON),
        Reply("[ x 100,000 on 400", 400, b"[" * 100_000, JSON),
        Reply('{"a": x 50,000 on 500', 500, b'{"a":' * 50_000, JSON),
        Reply("[ x 60,000 on 400 (under the kept-body cap)", 400, b"[" * 60_000, JSON),
        Reply(
            "12 MB string",
            success,
            dumps({"success": True, "data": {"id": "x", "message": "m" * 12_000_000}}),
            JSON,
        ),
        Reply(
            "10 MB error message, 400 (RealtimeKit shape)",
            400,
            dumps({"success": False, "error": {"code": 400, "message": ten_mb}}),
            JSON,
        ),
        Reply(
            "10 MB error message, 500 (Webinar shape)",
            500,
            dumps({"success": False, "error": "x", "message": ten_mb, "code": ten_mb}),
            JSON,
        ),
        Reply("10 MB error detail, 400 (TP Streams shape)", 400, dumps({"detail": ten_mb}), JSON),
        Reply(
            "10 MB field errors, 400 (DRF)",
            400,
            dumps({"title": [ten_mb], "other": [ten_mb[:10]] * 1000}),
            JSON,
        ),
        Reply("10 MB text error, 500", 500, ten_mb.encode(), [(b"content-type", b"text/plain")]),
        Reply("100k-item error list, 400", 400, dumps([{"message": "x"}] * 100_000), JSON),
    ]


# -- huge bodies ------------------------------------------------------------------------------------
@pytest.mark.parametrize("op_id", REPRESENTATIVE)
@pytest.mark.sync_too
async def test_huge_bodies(op_id: str, flavour: Flavour) -> None:
    """Deep nesting and huge strings: bounded messages, built fast."""
    target, since = target_for(op_id, flavour), len(ESCAPES)
    for reply in _huge_replies(target.call.op.success_status):
        started = time.perf_counter()
        outcome = await target.answer(reply)
        elapsed = time.perf_counter() - started
        if reply.status >= 400:
            assert outcome != "model"
            # the body is read and parsed (or cut) and the message built: well under the budget
            assert elapsed < 0.2 + len(reply.body) / 100e6, f"{op_id} [{reply.label}]: {elapsed:.3f}s"
    no_escapes(since)


@pytest.mark.parametrize("status", [400, 500])
def test_error_from_a_10mb_message_is_bounded_and_fast(status: int) -> None:
    """The error itself (body kept, message parsed, redacted, cut): < 0.2 s for each API's shape."""
    ten_mb = "e" * 10_000_000
    for shape in (
        {"success": False, "error": {"code": status, "message": ten_mb}},
        {"success": False, "error": "x", "message": ten_mb, "code": "X"},
        {"detail": ten_mb},
        {"title": [ten_mb]},
    ):
        content = dumps(shape)
        response = httpx2.Response(
            status, content=content, headers=JSON, request=httpx2.Request("GET", "https://api.test/")
        )
        started = time.perf_counter()
        error = make_status_error(response, _error_body(response, content), operation="op")
        text = str(error)
        elapsed = time.perf_counter() - started
        assert elapsed < 0.2, f"{list(shape)}: {elapsed:.3f}s"
        assert len(text) <= MAX_MESSAGE and not _size_over(error.body, MAX_KEPT_BODY)


# -- max_response_bytes -----------------------------------------------------------------------------
SMALL_LIMIT = 4096


@functools.cache
def _too_large(status: int) -> list[Reply]:
    body = b"[" + b"0," * (SMALL_LIMIT // 2) + b"0]"  # limit + 2 bytes of valid JSON
    bomb = gzip.compress(b'{"a": "' + b"z" * (SMALL_LIMIT * 50) + b'"}')
    deflated = zlib.compress(b" " * (SMALL_LIMIT * 50))
    assert len(body) > SMALL_LIMIT > len(bomb)
    return [
        Reply("limit+1 bytes, announced", status, body[: SMALL_LIMIT + 1], JSON),
        Reply(
            "limit+1 bytes, chunked, no length",
            status,
            headers=JSON,
            chunks=[body[:1000]] * 4 + [body[: SMALL_LIMIT + 1 - 4000]],
        ),
        Reply("gzip bomb", status, bomb, [*JSON, (b"content-encoding", b"gzip")]),
        Reply("deflate bomb", status, deflated, [*JSON, (b"content-encoding", b"deflate")]),
        Reply("content-length lies small", status, body, [*JSON, (b"content-length", b"10")]),
    ]


LIMITED = {
    (api, sync): client(
        api, http=HTTP_SYNC if sync else HTTP, sync=sync, max_retries=0, max_response_bytes=SMALL_LIMIT
    )
    for api in ("realtimekit", "tpstreams", "webinar")
    for sync in (False, True)
}


@pytest.mark.sync_too
@pytest.mark.parametrize("op_id", OPS)
async def test_max_response_bytes(op_id: str, flavour: Flavour) -> None:
    target, since = target_for(op_id, flavour), len(ESCAPES)
    fn = method_of(LIMITED[target.call.op.api, flavour.sync], target.call.resource, target.call.name)
    for status in (target.call.op.success_status, 500):
        for reply in _too_large(status):
            outcome = await target.answer(reply, fn)
            if reply.label != "content-length lies small":
                assert outcome == "ResponseTooLargeError", f"{op_id} [{reply.label}, {status}]: {outcome}"
        at_limit = Reply("exactly the limit", status, b" " * (SMALL_LIMIT - 2) + b"{}", JSON)
        assert await target.answer(at_limit, fn) != "ResponseTooLargeError"
    no_escapes(since)


async def test_default_limit_stops_a_real_gzip_bomb() -> None:
    """~70 KB on the wire, 70 MB decoded: stopped at the default 64 MiB."""
    target = TARGETS[REPRESENTATIVE[0]]
    bomb = gzip.compress(b" " * 70_000_000, compresslevel=1)
    assert len(bomb) < 1_000_000
    started = time.perf_counter()
    outcome = await target.answer(
        Reply("70 MB gzip bomb", 200, bomb, [*JSON, (b"content-encoding", b"gzip")])
    )
    assert outcome == "ResponseTooLargeError"
    assert time.perf_counter() - started < 4
    assert issubclass(ResponseTooLargeError, onstage.OnstageError)


# -- Retry-After ---------------------------------------------------------------------------------------
ABSURD_RETRY_AFTER = [
    "Fri, 31 Dec 99999 23:59:59 GMT",
    "Fri, 31 Dec 1600 23:59:59 GMT",
    "Mon, 99 Foo 2024 99:99:99 GMT",
    "inf",
    "-inf",
    "nan",
    "-1",
    "1e309",
    "1e308",
    "99999999999999999999999999",
    "0x10",
    "",
    " 5 ",
    "５",
    "x" * 10_000,
]


@pytest.mark.parametrize("op_id", REPRESENTATIVE)
@pytest.mark.sync_too
async def test_absurd_retry_after(op_id: str, flavour: Flavour) -> None:
    target, since = target_for(op_id, flavour), len(ESCAPES)
    retried = client(
        target.call.op.api,
        http=HTTP_SYNC if flavour.sync else HTTP,
        sync=flavour.sync,
        max_retries=1,
        on_retry=[_check_retry_event],
    )
    fn = method_of(retried, target.call.resource, target.call.name)
    with backoff_scale(0.0):
        for value in ABSURD_RETRY_AFTER:
            for status in (429, 503):
                for header in (b"retry-after", b"retry-after-ms"):
                    reply = Reply(
                        f"{status} {header.decode()}: {value[:40]!r}",
                        status,
                        API_ERRORS[0],
                        [*JSON, (header, value.encode())],
                    )
                    started = time.perf_counter()
                    outcome = await target.answer(reply, fn)
                    assert time.perf_counter() - started < 1.0
                    assert outcome in ("RateLimitError", "InternalServerError"), outcome
                    assert 1 <= len(WIRE.requests) <= 2
    no_escapes(since)


def _check_retry_event(event: Any) -> None:
    assert math.isfinite(event.delay) and event.delay >= 0, event


@pytest.mark.parametrize("value", ABSURD_RETRY_AFTER, ids=[v[:30] for v in ABSURD_RETRY_AFTER])
def test_retry_after_seconds_is_none_or_finite(value: str) -> None:
    for name in ("retry-after", "retry-after-ms"):
        seconds = retry_after_seconds(httpx2.Headers([(name.encode(), value.encode())]))
        assert seconds is None or (math.isfinite(seconds) and seconds >= 0), (name, value, seconds)


# -- pagination --------------------------------------------------------------------------------------
PAGE_CALLS = {
    c[0]: c
    for c in PAGINATED
    if (c[1], c[2]) == (SPEC.operations[c[0]].meta["resource"], SPEC.operations[c[0]].meta["method"])
}


def _hostile_pages(op_id: str) -> dict[str, Callable[[httpx2.Request], httpx2.Response]]:
    """Page servers: each answers page requests in the operation's own style, with one lie."""
    op = SPEC.operations[op_id]
    style = op.meta["paginate"]["style"]

    def page_no(request: httpx2.Request) -> int:
        params = request.url.params
        try:
            return int(params.get("page_no") or params.get("page") or params.get("offset") or 1)
        except ValueError:
            return 99

    def serve(
        total: Any,
        next_url: Any = None,
        items: Callable[[int], Any] | None = None,
        raw: Callable[[Any], Any] | None = None,
    ) -> Callable[[httpx2.Request], httpx2.Response]:
        def handler(request: httpx2.Request) -> httpx2.Response:
            n = page_no(request)
            these = items(n) if items is not None else (items_for(op, 2, start=2 * (n - 1)) if n <= 2 else [])
            body = page_body(op, [], 0, None)
            link = next_url(request, n) if callable(next_url) else next_url
            body = _set_paging(body, style, op.meta["paginate"].get("items"), total, link, these)
            if raw is not None:
                body = raw(body)
            return httpx2.Response(200, content=dumps(body), headers=JSON)

        return handler

    same_page = lambda request, n: str(request.url)  # noqa: E731 - a next link to the very same page
    elsewhere = lambda request, n: f"https://evil.example/steal/?page={n + 1}&limit=2"  # noqa: E731
    servers: dict[str, Callable[[httpx2.Request], httpx2.Response]] = {
        "next is the same page": serve(1000, same_page),
        "next on another host": serve(5, elsewhere),
        "next not a URL": serve(5, "http://[oops/?page=2"),
        "next an int": serve(5, 2),
        "next a list": serve(5, ["?page=2"]),
        "next an object": serve(5, {"page": 2}),
        "next 10k chars": serve(5, "?page=2&" + "x" * 10_000),
        "total -1": serve(-1),
        "total 1e20": serve(1e20),
        "total x": serve("x"),
        "total ²": serve("²"),
        "total 5000 digits": serve("9" * 5000),
        "total Infinity": serve(math.inf),
        "total NaN": serve(math.nan),
        "total a list": serve([3]),
        "same items forever, total 1e20": serve(10**20, same_page, items=lambda n: items_for(op, 2)),
        "items an object": serve(3, None, items=lambda n: {"id": "x"}),
        "items a string": serve(3, None, items=lambda n: "items"),
        "items of wrong types": serve(3, None, items=lambda n: [1, "x", None, [], True] if n == 1 else []),
        "items without ids, repeated": serve(10**6, same_page, items=lambda n: [{"name": "same"}] * 2),
        "page not an object": serve(3, raw=lambda body: [body]),
        "paging not an object": serve(
            3, raw=lambda body: {**body, "paging": "x", "count": []} if isinstance(body, dict) else body
        ),
        "data null": serve(3, raw=lambda body: {**body, "data": None, "results": None}),
    }
    return servers


def _set_paging(body: Any, style: str, attr: str | None, total: Any, next_url: Any, items: Any) -> Any:
    """A page of ``style`` with these (possibly hostile) items, total and next link."""
    body = json.loads(json.dumps(body, allow_nan=True))
    if style == "next":
        body.update(count=total, next=next_url, previous=None, results=items)
    elif style == "page":
        body["data"] = {**body["data"], attr: items, "total": total}
    else:
        body["data"] = {**body["data"], attr: items} if attr else items
        body["paging"] = {"total_count": total, "start_offset": 0, "end_offset": 0}
    return body


MAX_PAGE_REQUESTS = 10  # every hostile server here makes at most a few pages of progress


@pytest.mark.parametrize("op_id", sorted(PAGE_CALLS))
@pytest.mark.sync_too
async def test_hostile_pages(op_id: str, flavour: Flavour) -> None:
    """Every list operation, ``async for`` (``for``) items and ``.pages()``: items or an
    ``OnstageError`` (``PaginationError`` for no progress), in few requests, never on another host."""
    target, since = target_for(op_id, flavour), len(ESCAPES)
    for label, handler in _hostile_pages(op_id).items():
        for mode in ("items", "pages"):
            WIRE.reply = handler
            WIRE.requests.clear()
            FIG["pagination runs"] += 1

            async def walk(mode: str = mode) -> list[Any]:
                paginator = target.fn(*target.args, **target.kwargs)
                out: list[Any] = []
                source = paginator if mode == "items" else paginator.pages()
                if flavour.sync:
                    for got in source:
                        out.append(got)
                        if len(WIRE.requests) > MAX_PAGE_REQUESTS:  # it would go on: to MAX_PAGES
                            break
                    return out
                async for got in aiter(source):
                    out.append(got)
                    if len(WIRE.requests) > MAX_PAGE_REQUESTS:  # it would go on: to MAX_PAGES (100,000)
                        break
                return out

            label_mode = f"pages: {label} ({mode})"
            await judge(op_id, label_mode, walk)
            if len(WIRE.requests) > MAX_PAGE_REQUESTS:
                _escape(
                    op_id,
                    label_mode,
                    f"runaway pagination: still fetching after {MAX_PAGE_REQUESTS} requests",
                )
            hosts = {r.url.host for r in WIRE.requests}
            assert hosts <= {httpx2.URL(target.client.base_url).host}, f"{op_id} [{label}]: {hosts}"
    no_escapes(since)
