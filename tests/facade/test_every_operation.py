"""Every operation in the spec, through the facade, on ``httpx2.MockTransport``.

For each operation (and each extra facade name it has: ``variants`` and ``also``) the facade method
named by ``x-onstage`` is called with arguments built from the spec. The tests check, per operation:
the request the facade sends (method, path with the bound ids, auth, body, per-call options), that a
spec-shaped success body comes back as a model with the envelope removed, that the API's 404 body becomes a
``NotFoundError`` carrying the API's code and message, and the retry decision on a 500 (idempotent
methods retry, a create is sent exactly once).
"""

from __future__ import annotations

import inspect
import json
import random
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx2
import pytest

import onstage
from onstage._pagination import Page
from onstage.testing._engine.faker import Faker
from onstage.testing._engine.spec import Operation, Spec
from onstage.testing._spec import load_spec

from .helpers import TOKEN, TP_TOKEN, WB_KEY, Flavour, opened, resolved

pytestmark = pytest.mark.anyio

SPEC = Spec(load_spec())
BOUND = {"account_id": "acc", "app_id": "app", "organization_id": "org1"}
AUTH = {
    "realtimekit": ("authorization", f"Bearer {TOKEN}"),
    "tpstreams": ("authorization", f"Token {TP_TOKEN}"),
    "webinar": ("x-api-key", WB_KEY),
}
# The API's own 404 body, and the (code, message) the error must carry.
NOT_FOUND: dict[str, tuple[Any, Any, str]] = {
    "realtimekit": (
        {"success": False, "error": {"code": 404, "message": "Meeting not found"}},
        404,
        "Meeting not found",
    ),
    "tpstreams": ({"detail": "Not found."}, None, "Not found."),
    "webinar": (
        {"success": False, "error": "not_found", "message": "Room not found", "code": "ROOM_NOT_FOUND"},
        "ROOM_NOT_FOUND",
        "Room not found",
    ),
}


def _server_path(raw_path: str) -> str:
    item = SPEC.document["paths"][raw_path]
    return urlsplit(item["servers"][0]["url"]).path.rstrip("/")


def _calls() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(operation id, resource path, method name, fixed body) for every facade entry point."""
    out = []
    for op in SPEC.operations.values():
        meta = op.meta
        out.append((op.id, meta["resource"], meta["method"], {}))
        for variant in meta.get("variants", []):
            out.append((op.id, meta["resource"], variant["method"], dict(variant.get("body", {}))))
        for alias in meta.get("also", []):
            resource, _, method = alias.rpartition(".")
            out.append((op.id, resource, method, {}))
    return sorted(out, key=lambda c: (c[1], c[2]))


CALLS = _calls()
IDS = [f"{resource}.{method}" for _, resource, method, _ in CALLS]


class Wire:
    """A MockTransport handler answering every request with one prepared response."""

    def __init__(self, status: int, body: Any) -> None:
        self.status = status
        self.body = body
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if self.body is None:
            return httpx2.Response(self.status)
        return httpx2.Response(self.status, json=self.body)


def _client(api: str, wire: Wire, flavour: Flavour = "async") -> Any:
    """The client of ``api`` in ``flavour``, opened (``async with`` / ``with``)."""
    return opened(api, wire, flavour, max_retries=1)


def _method(client: Any, resource: str, name: str) -> Callable[..., Any]:
    target = client
    for part in resource.split("."):
        target = getattr(target, part)
    return getattr(target, name)  # type: ignore[no-any-return]


def _ident(name: str) -> str:
    """The Python name of a spec parameter: ``livestream-session-id`` → ``livestream_session_id``."""
    return re.sub(r"\W", "_", name)


def _path_value(op: Operation, name: str) -> Any:
    schema = next(p.schema for p in op.params if _ident(p.name) == name and p.location == "path")
    return 7 if SPEC.deref(schema).get("type") == "integer" else f"{name.replace('_', '-')}-1"


def _arguments(
    op: Operation, fn: Callable[..., Any], fixed: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """Positional path ids plus every required keyword, from the spec's schemas."""
    faker = Faker(SPEC, random.Random(op.id))
    body = SPEC.deref(op.body_schema) if op.body_schema is not None else {}
    props = body.get("properties", {}) if isinstance(body, dict) else {}
    query = {p.name: p.schema for p in op.params if p.location == "query"}
    path_names = {_ident(p.name) for p in op.params if p.location == "path"}
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for param in inspect.signature(fn).parameters.values():
        if param.default is not inspect.Parameter.empty:
            continue
        if param.name in path_names:
            args.append(_path_value(op, param.name))
        elif param.name in fixed:
            continue
        elif SPEC.deref(props.get(param.name, {})).get("format") == "binary":
            kwargs[param.name] = ("file.bin", b"\x00\x01")
        elif param.name in props:
            kwargs[param.name] = faker.make(props[param.name], param.name)
        elif param.name in query:
            kwargs[param.name] = faker.make(query[param.name], param.name)
        else:  # a non-object body (x-onstage body_param)
            kwargs[param.name] = faker.make(op.body_schema, param.name)
    return args, kwargs


def _expected_path(op: Operation, args: list[Any]) -> str:
    values = iter(args)
    path = _server_path(op.path) + op.path
    for segment in re.findall(r"\{([^}]+)\}", op.path):
        value = BOUND.get(segment)
        path = path.replace("{" + segment + "}", str(value if value is not None else next(values)), 1)
    return path


def _success_body(op: Operation) -> Any:
    if op.response_schema is None:
        return None
    return Faker(SPEC, random.Random(op.id + "/response")).make(op.response_schema)


async def _invoke(fn: Callable[..., Any], args: list[Any], kwargs: dict[str, Any]) -> Any:
    return await resolved(fn(*args, **kwargs))


def _plant_secrets(schema: Any, value: Any, planted: list[str]) -> Any:
    """``value`` with each string the spec marks secret (``x-onstage-secret``, ``writeOnly``)
    replaced by a distinctive one, recorded in ``planted``."""
    schema = SPEC.deref(schema)
    if not isinstance(schema, dict):
        return value
    if (schema.get("x-onstage-secret") or schema.get("writeOnly")) and isinstance(value, str):
        planted.append(f"SeCrEt{len(planted)}x9q")
        return planted[-1]
    for branch in [*schema.get("allOf", []), *schema.get("oneOf", []), *schema.get("anyOf", [])]:
        value = _plant_secrets(branch, value, planted)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return {k: _plant_secrets(props[k], v, planted) if k in props else v for k, v in value.items()}
    if isinstance(value, list) and "items" in schema:
        return [_plant_secrets(schema["items"], item, planted) for item in value]
    return value


def _is_model(value: Any) -> bool:
    return attrs.has(type(value))


@pytest.mark.parametrize(("op_id", "resource", "name", "fixed"), CALLS, ids=IDS)
async def test_success(op_id: str, resource: str, name: str, fixed: dict[str, Any], flavour: Flavour) -> None:
    op = SPEC.operations[op_id]
    secrets: list[str] = []
    wire = Wire(op.success_status, _plant_secrets(op.response_schema, _success_body(op), secrets))
    async with _client(op.api, wire, flavour) as client:
        fn = _method(client, resource, name)
        args, kwargs = _arguments(op, fn, fixed)
        options = {"timeout": 3.5, "extra_headers": {"X-Op": op_id}, "extra_query": {"trace": "t-1"}}
        result = await _invoke(fn, args, {**kwargs, **options})

    (request,) = wire.requests
    # Per-call options reach the wire on every method.
    assert request.headers["x-op"] == op_id and request.url.params["trace"] == "t-1"
    assert request.extensions["timeout"]["read"] == 3.5
    assert request.method == op.method
    assert request.url.path == _expected_path(op, args)
    header, value = AUTH[op.api]
    if not op.public:
        assert request.headers[header] == value
    # Every argument reaches the wire: body fields in the JSON body, query parameters in the URL.
    body = SPEC.deref(op.body_schema) if op.body_schema is not None else {}
    props = body.get("properties", {})
    query = {p.name for p in op.params if p.location == "query"}
    sent = json.loads(request.content) if op.body_type == "application/json" else None
    for key, fixed_value in fixed.items():
        assert sent[key] == fixed_value  # the variant's fixed body values are on the wire
    for key, given in kwargs.items():
        if key in props and sent is None:  # multipart
            assert f'name="{key}"'.encode() in request.content, key
        elif key in props:
            assert sent[key] == given, key
        elif key in query:
            assert key in request.url.params, key
        elif sent is not None and not props:  # the whole (non-object) body
            assert sent == given

    # Secrets the API returned (tokens, stream keys, passwords) never show in a repr.
    shown = repr(result)
    assert not [secret for secret in secrets if secret in shown], f"{op_id}: a secret shows in repr()"

    # The envelope is gone: a model (or a list of models), a page of them, or nothing at all.
    if isinstance(result, Page):
        assert all(_is_model(item) or not isinstance(item, dict) for item in result.items)
    elif op.response_schema is None:
        assert result is None
    else:
        assert not isinstance(result, dict), f"{op_id} returned a raw dict"
        if isinstance(result, list):
            assert all(_is_model(item) or not isinstance(item, dict) for item in result)
        elif result is not None and not isinstance(result, bytes | str | int | bool | float):
            assert _is_model(result)


@pytest.mark.parametrize(("op_id", "resource", "name", "fixed"), CALLS, ids=IDS)
async def test_not_found_carries_the_api_error(
    op_id: str, resource: str, name: str, fixed: dict[str, Any], flavour: Flavour
) -> None:
    op = SPEC.operations[op_id]
    body, code, message = NOT_FOUND[op.api]
    wire = Wire(404, body)
    async with _client(op.api, wire, flavour) as client:
        fn = _method(client, resource, name)
        args, kwargs = _arguments(op, fn, fixed)
        with pytest.raises(onstage.NotFoundError) as info:
            await _invoke(fn, args, kwargs)
    assert len(wire.requests) == 1  # a 404 is never retried
    error = info.value
    assert error.status_code == 404
    assert error.code == code
    assert error.message == message
    assert error.operation == op_id
    assert TOKEN not in str(error) and TP_TOKEN not in str(error) and WB_KEY not in str(error)


@pytest.mark.parametrize(("op_id", "resource", "name", "fixed"), CALLS, ids=IDS)
async def test_500_retry_decision(
    op_id: str,
    resource: str,
    name: str,
    fixed: dict[str, Any],
    flavour: Flavour,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def no_sleep(delay: float) -> None:
        return None

    monkeypatch.setattr("onstage._flavour.anyio.sleep", no_sleep)
    monkeypatch.setattr("onstage._flavour.time.sleep", lambda delay: None)
    op = SPEC.operations[op_id]
    wire = Wire(500, {"success": False, "error": {"code": 500, "message": "upstream failed"}})
    async with _client(op.api, wire, flavour) as client:
        fn = _method(client, resource, name)
        args, kwargs = _arguments(op, fn, fixed)
        with pytest.raises(onstage.InternalServerError):
            await _invoke(fn, args, kwargs)
    idempotent = op.meta.get("idempotent", op.method in {"GET", "PUT", "DELETE", "HEAD"})
    assert len(wire.requests) == (2 if idempotent else 1), "max_retries=1: one retry iff idempotent"


def test_redaction_check_has_secrets_to_look_for() -> None:
    """The repr check above is only as good as the spec's secret markings: keep them present."""
    with_secrets = 0
    for op in SPEC.operations.values():
        planted: list[str] = []
        _plant_secrets(op.response_schema, _success_body(op), planted)
        with_secrets += bool(planted)
    assert with_secrets >= 25


def test_every_operation_is_called() -> None:
    assert {op_id for op_id, *_ in CALLS} == set(SPEC.operations)
    assert len(CALLS) >= len(SPEC.operations)


# -- pagination, for every list operation ----------------------------------------------------------
PAGINATED = [
    c for c in CALLS if SPEC.operations[c[0]].meta.get("paginate", {}).get("style", "single") != "single"
]


def _page_body(op: Operation, items: list[Any], total: int, next_url: str | None) -> Any:
    """A page on the wire, in the operation's own pagination style."""
    body = _success_body(op)
    style, attr = op.meta["paginate"]["style"], op.meta["paginate"].get("items")
    if style == "next":
        return {**body, "count": total, "next": next_url, "previous": None, "results": items}
    if style == "page":
        return {**body, "data": {**body["data"], attr: items, "total": total}}
    data = {**body["data"], attr: items} if attr else items
    return {**body, "data": data, "paging": {"total_count": total, "start_offset": 0, "end_offset": 0}}


def _prop(schema: Any, name: str) -> Any:
    """The schema of property ``name`` of an object schema (looking through ``allOf``)."""
    schema = SPEC.deref(schema)
    for branch in [schema, *schema.get("allOf", [])]:
        branch = SPEC.deref(branch)
        if name in branch.get("properties", {}):
            return SPEC.deref(branch["properties"][name])
    raise AssertionError(f"no property {name!r} in {schema}")


def _items(op: Operation, n: int, start: int = 0) -> list[Any]:
    """``n`` distinct items built from the operation's item schema."""
    style, attr = op.meta["paginate"]["style"], op.meta["paginate"].get("items")
    array = _prop(op.response_schema, "results" if style == "next" else "data")
    if attr and style != "next":
        array = _prop(array, attr)
    if "items" not in array:  # a oneOf of the array and an object form: take the array
        array = next(SPEC.deref(b) for b in array["oneOf"] if SPEC.deref(b).get("type") == "array")
    item = Faker(SPEC, random.Random(op.id + "/item")).make(array["items"])
    return [{**item, "id": f"item-{start + i}"} for i in range(n)]


class Pager:
    """Serves pages 1 and 2 of a 3-item list in the operation's style; or, ``stuck``, page 1 forever."""

    def __init__(self, op: Operation, *, stuck: bool = False) -> None:
        self.op, self.stuck = op, stuck
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        params = request.url.params
        page = int(params.get("page_no") or params.get("page") or 1)
        base = str(request.url.copy_with(query=None))
        if self.stuck:
            body = _page_body(self.op, _items(self.op, 2), 1000, f"{base}?page=2")
        elif page == 1:
            body = _page_body(self.op, _items(self.op, 2), 3, "https://elsewhere.invalid/x/?page=2&limit=2")
        else:
            body = _page_body(self.op, _items(self.op, 1, start=2), 3, None)
        return httpx2.Response(200, json=body)


@pytest.mark.parametrize("stuck", [False, True], ids=["walks-every-page", "stuck-server-raises"])
@pytest.mark.parametrize(
    ("op_id", "resource", "name", "fixed"), PAGINATED, ids=[f"{c[1]}.{c[2]}" for c in PAGINATED]
)
async def test_pagination_terminates(
    op_id: str, resource: str, name: str, fixed: dict[str, Any], stuck: bool, flavour: Flavour
) -> None:
    op = SPEC.operations[op_id]
    pager = Pager(op, stuck=stuck)
    async with _client(op.api, pager, flavour) as client:  # type: ignore[arg-type]
        fn = _method(client, resource, name)
        args, kwargs = _arguments(op, fn, fixed)
        if stuck:  # the same page forever: an error after at most one repeat, never a loop
            with pytest.raises(onstage.PaginationError):
                await resolved(fn(*args, **kwargs).to_list())
            assert len(pager.requests) <= 3
            return
        items = await resolved(fn(*args, **kwargs).to_list())
    assert [getattr(i, "id", None) or i["id"] for i in items] == ["item-0", "item-1", "item-2"]
    assert len(pager.requests) == 2
    first, second = pager.requests
    assert (second.url.host, second.url.path) == (first.url.host, first.url.path)  # never a next link's host
