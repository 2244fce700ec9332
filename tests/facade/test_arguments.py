"""Arguments every operation shares, checked for every operation the spec has (both flavours):
``extra_body=`` merged last into every JSON-object body, and ``date-time`` arguments refusing a
naive ``datetime`` before anything is sent."""

from __future__ import annotations

import contextlib
import datetime
import inspect
import json
from typing import Any

import pytest

import onstage

from .helpers import Flavour
from .test_every_operation import (
    CALLS,
    IDS,
    SPEC,
    Wire,
    _arguments,
    _client,
    _invoke,
    _method,
)

pytestmark = pytest.mark.anyio

NAIVE = datetime.datetime(2026, 12, 1, 9, 30)
AWARE = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)


def _object_body(op_id: str) -> dict[str, Any] | None:
    """The properties of the operation's request body when it is a JSON or multipart object."""
    op = SPEC.operations[op_id]
    body = SPEC.deref(op.body_schema) if op.body_schema is not None else None
    if not isinstance(body, dict) or body.get("type") == "array":
        return None
    return dict(body.get("properties") or {})


def _datetime_args(op_id: str) -> list[tuple[str, str]]:
    """``(where, name)`` of the operation's ``date-time`` arguments (body fields, query parameters),
    except those the spec marks ``x-onstage-datetime`` (sent naive on purpose)."""
    op = SPEC.operations[op_id]
    out = []
    for name, schema in (_object_body(op_id) or {}).items():
        schema = SPEC.deref(schema)
        branches = [SPEC.deref(b) for b in schema.get("anyOf", [])] or [schema]
        if any(b.get("format") == "date-time" for b in branches) and "x-onstage-datetime" not in schema:
            out.append(("body", name))
    for param in op.params:
        if param.location == "query" and SPEC.deref(param.schema).get("format") == "date-time":
            out.append(("query", param.name))
    return out


WITH_BODY = [c for c in CALLS if _object_body(c[0]) is not None]
WITH_DATETIMES = [(*c, where, name) for c in CALLS for where, name in _datetime_args(c[0])]


def test_the_property_tests_cover_something() -> None:
    assert len(WITH_BODY) >= 40 and len(WITH_DATETIMES) >= 10


@pytest.mark.parametrize(("op_id", "resource", "name", "fixed"), CALLS, ids=IDS)
async def test_extra_body_exactly_where_there_is_an_object_body(
    op_id: str, resource: str, name: str, fixed: dict[str, Any], flavour: Flavour
) -> None:
    async with _client(SPEC.operations[op_id].api, Wire(200, None), flavour) as client:
        fn = _method(client, resource, name)
    has = "extra_body" in inspect.signature(fn).parameters
    assert has == (_object_body(op_id) is not None), f"{op_id}: extra_body {'un' if has else ''}expected"


@pytest.mark.parametrize(
    ("op_id", "resource", "name", "fixed"), WITH_BODY, ids=[f"{r}.{m}" for _, r, m, _ in WITH_BODY]
)
async def test_extra_body_is_merged_last(
    op_id: str, resource: str, name: str, fixed: dict[str, Any], flavour: Flavour
) -> None:
    op = SPEC.operations[op_id]
    wire = Wire(op.success_status, None)
    async with _client(op.api, wire, flavour) as client:
        fn = _method(client, resource, name)
        args, kwargs = _arguments(op, fn, fixed)
        props = _object_body(op_id) or {}
        # a (non-file) field the facade set: extra_body wins over it
        overridden = next((k for k in kwargs if SPEC.deref(props.get(k, {})).get("format") != "binary"), None)
        extra: dict[str, Any] = {"onstage_new_field": {"nested": [1, "two"]}}
        if overridden is not None:
            extra[overridden] = "from extra_body"
        # an empty success body may not fit the model: only the request matters here
        with contextlib.suppress(onstage.ResponseValidationError):
            await _invoke(fn, args, {**kwargs, "extra_body": extra})
    (request,) = wire.requests
    if op.body_type == "application/json":
        sent = json.loads(request.content)
        assert sent["onstage_new_field"] == {"nested": [1, "two"]}
        if overridden is not None:
            assert sent[overridden] == "from extra_body"
        for key, value in fixed.items():
            assert sent[key] == value
    else:  # multipart: extra fields travel as text parts
        assert b'name="onstage_new_field"' in request.content


async def test_extra_body_must_be_a_mapping_of_names(flavour: Flavour) -> None:
    wire = Wire(201, None)
    async with _client("realtimekit", wire, flavour) as client:
        for bad in (["a"], {1: "x"}, "field=1"):
            with pytest.raises(onstage.InvalidArgumentError, match="extra_body"):
                await _invoke(client.meetings.create, [], {"title": "Standup", "extra_body": bad})
    assert wire.requests == []


@pytest.mark.parametrize(
    ("op_id", "resource", "name", "fixed", "where", "arg"),
    WITH_DATETIMES,
    ids=[f"{c[1]}.{c[2]}:{c[5]}" for c in WITH_DATETIMES],
)
async def test_naive_datetimes_are_refused_before_sending(
    op_id: str, resource: str, name: str, fixed: dict[str, Any], where: str, arg: str, flavour: Flavour
) -> None:
    op = SPEC.operations[op_id]
    wire = Wire(op.success_status, None)
    async with _client(op.api, wire, flavour) as client:
        fn = _method(client, resource, name)
        args, kwargs = _arguments(op, fn, fixed)
        with pytest.raises(onstage.InvalidArgumentError, match=f"{arg} is a naive datetime"):
            await _invoke(fn, args, {**kwargs, arg: NAIVE})
        assert wire.requests == []
        with contextlib.suppress(onstage.ResponseValidationError):
            await _invoke(fn, args, {**kwargs, arg: AWARE})
    (request,) = wire.requests
    if where == "body":
        assert json.loads(request.content)[arg] == "2026-12-01T09:30:00+00:00"
    else:
        assert request.url.params[arg] == "2026-12-01T09:30:00+00:00"


def _unix_args() -> list[tuple[str, str, str, dict[str, Any], str]]:
    """Every query parameter the spec marks ``x-onstage-datetime: unix``, with its facade calls."""
    out = []
    for op_id, resource, name, fixed in CALLS:
        op = SPEC.operations[op_id]
        item = SPEC.document["paths"][op.path]
        for param in [*item.get("parameters", []), *item[op.method.lower()].get("parameters", [])]:
            param = SPEC.deref(param)
            if param["in"] == "query" and param.get("x-onstage-datetime") == "unix":
                out.append((op_id, resource, name, fixed, param["name"]))
    return out


UNIX = _unix_args()


def test_unix_time_parameters_exist() -> None:
    assert len(UNIX) >= 4


@pytest.mark.parametrize(
    ("op_id", "resource", "name", "fixed", "arg"), UNIX, ids=[f"{c[1]}.{c[2]}:{c[4]}" for c in UNIX]
)
async def test_unix_time_parameters_take_a_datetime_or_seconds(
    op_id: str, resource: str, name: str, fixed: dict[str, Any], arg: str, flavour: Flavour
) -> None:
    op = SPEC.operations[op_id]
    wire = Wire(op.success_status, None)
    async with _client(op.api, wire, flavour) as client:
        fn = _method(client, resource, name)
        args, kwargs = _arguments(op, fn, fixed)
        with pytest.raises(onstage.InvalidArgumentError, match=f"{arg} is a naive datetime"):
            await _invoke(fn, args, {**kwargs, arg: NAIVE})
        for value in (AWARE, int(AWARE.timestamp())):
            with contextlib.suppress(onstage.ResponseValidationError):
                await _invoke(fn, args, {**kwargs, arg: value})
    assert [r.url.params[arg] for r in wire.requests] == [str(int(AWARE.timestamp()))] * 2
