"""Tests for scripts/spec_diff.py (OpenAPI change classification) and scripts/api_diff.py (griffe)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.spec_diff import Change, diff_specs, render_text, summary_line

ROOT = Path(__file__).resolve().parents[2]

JSON = "application/json"
GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def ok(schema: dict[str, Any], code: str = "200") -> dict[str, Any]:
    return {
        code: {"description": "ok", "content": {JSON: {"schema": schema}}},
        "404": {"$ref": "#/components/responses/Error"},
    }


def envelope(ref: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["success", "data"],
        "properties": {"success": {"type": "boolean"}, "data": {"$ref": f"#/components/schemas/{ref}"}},
    }


def base() -> dict[str, Any]:
    """A small RealtimeKit-style spec; every test mutates a copy of it."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "things", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "list_things",
                    "x-onstage": {"resource": "things", "method": "list"},
                    "parameters": [
                        {"name": "page_no", "in": "query", "schema": {"type": "integer"}},
                        {
                            "name": "status",
                            "in": "query",
                            "required": False,
                            "schema": {"$ref": "#/components/schemas/Status"},
                        },
                    ],
                    "responses": ok(
                        {
                            "type": "object",
                            "properties": {
                                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
                            },
                        }
                    ),
                },
                "post": {
                    "operationId": "create_thing",
                    "x-onstage": {
                        "resource": "things",
                        "method": "create",
                        "variants": [{"method": "clone", "body": {"clone": True}}],
                    },
                    "requestBody": {
                        "required": True,
                        "content": {JSON: {"schema": {"$ref": "#/components/schemas/ThingCreate"}}},
                    },
                    "responses": ok(envelope("Thing"), "201"),
                },
            },
            "/things/{thing_id}": {
                "parameters": [{"$ref": "#/components/parameters/thing_id"}],
                "get": {
                    "operationId": "get_thing",
                    "x-onstage": {"resource": "things", "method": "get"},
                    "parameters": [
                        {
                            "name": "expand",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["owner", "tags"]},
                        }
                    ],
                    "responses": ok(envelope("Thing")),
                },
                "delete": {
                    "operationId": "delete_thing",
                    "x-onstage": {"resource": "things", "method": "delete"},
                    "responses": {"204": {"description": "gone"}},
                },
            },
        },
        "components": {
            "parameters": {
                "thing_id": {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "string"}}
            },
            "responses": {
                "Error": {
                    "description": "error",
                    "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            },
            "schemas": {
                "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
                "Status": {"type": "string", "enum": ["active", "archived"]},
                "Thing": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "name": {"type": "string"},
                        "size": {"type": "integer"},
                        "status": {"$ref": "#/components/schemas/Status"},
                        "note": {"type": ["string", "null"]},
                        "parent": {"$ref": "#/components/schemas/Thing"},  # recursive
                        "secret": {"type": "string", "writeOnly": True},
                    },
                },
                "ThingCreate": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "size": {"type": "integer"},
                        "status": {"$ref": "#/components/schemas/Status"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "id": {"type": "string", "readOnly": True},
                    },
                },
            },
        },
    }


Row = tuple[str, str, bool]


def changes(mutate: Callable[[dict[str, Any]], Any], old: dict[str, Any] | None = None) -> list[Change]:
    old = base() if old is None else old
    new = copy.deepcopy(old)
    mutate(new)
    return diff_specs(old, new)


def rows(mutate: Callable[[dict[str, Any]], Any], old: dict[str, Any] | None = None) -> list[Row]:
    return [(c.kind, c.location, c.breaking) for c in changes(mutate, old)]


def schemas(spec: dict[str, Any]) -> Any:
    return spec["components"]["schemas"]


def op(spec: dict[str, Any], path: str = "/things/{thing_id}", method: str = "get") -> Any:
    return spec["paths"][path][method]


def run(module: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m <module> …`` in ``cwd``; PYTHONPATH finds ``scripts`` from any directory."""
    env = {**GIT_ENV, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=GIT_ENV)


# -- identical / summary --------------------------------------------------------------------------------


def test_identical_specs_have_no_changes() -> None:
    assert diff_specs(base(), base()) == []
    assert summary_line([]) == "0 breaking, 0 non-breaking changes"
    assert render_text([]).endswith("No changes.\n\n0 breaking, 0 non-breaking changes")


# -- operations ---------------------------------------------------------------------------------------


def test_operation_added_is_non_breaking() -> None:
    def mutate(s: dict[str, Any]) -> None:
        s["paths"]["/widgets"] = {"get": {"operationId": "list_widgets", "responses": ok({"type": "array"})}}

    (change,) = changes(mutate)
    assert (change.kind, change.location, change.breaking) == ("operation-added", "GET /widgets", False)
    assert change.operation == "list_widgets (GET /widgets)"


def test_operation_removed_is_breaking() -> None:
    (change,) = changes(lambda s: s["paths"]["/things/{thing_id}"].pop("delete"))
    assert (change.kind, change.location, change.breaking) == (
        "operation-removed",
        "DELETE /things/{thing_id}",
        True,
    )
    assert change.operation == "delete_thing (DELETE /things/{thing_id})"


def test_operation_id_renamed_on_same_route_is_breaking() -> None:
    def mutate(s: dict[str, Any]) -> None:
        op(s)["operationId"] = "fetch_thing"

    (change,) = changes(mutate)
    assert (change.kind, change.location, change.breaking) == ("operation-id-renamed", "operationId", True)
    assert "get_thing -> fetch_thing" in change.detail
    assert change.operation == "fetch_thing (GET /things/{thing_id})"


def test_match_by_operation_id_when_the_path_moves() -> None:
    def mutate(s: dict[str, Any]) -> None:
        s["paths"]["/v2/things"] = {"get": s["paths"]["/things"].pop("get")}

    assert rows(mutate) == [("operation-route-changed", "route", False)]


def test_fallback_match_by_method_and_path_template() -> None:
    """Without operationIds, operations match by METHOD + path, even if a path parameter is renamed."""
    old = base()
    for item in old["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("operationId", None)

    def mutate(s: dict[str, Any]) -> None:
        item = s["paths"].pop("/things/{thing_id}")
        item["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
        item["get"]["parameters"][0]["required"] = True
        s["paths"]["/things/{id}"] = item

    result = changes(mutate, old)
    assert {(c.operation, c.kind, c.location, c.breaking) for c in result} == {
        ("GET /things/{id}", "operation-route-changed", "route", False),
        ("GET /things/{id}", "param-removed", "path.thing_id", True),
        ("GET /things/{id}", "param-added", "path.id", True),
        ("GET /things/{id}", "param-became-required", "query.expand", True),
        ("DELETE /things/{id}", "operation-route-changed", "route", False),
        ("DELETE /things/{id}", "param-removed", "path.thing_id", True),
        ("DELETE /things/{id}", "param-added", "path.id", True),
    }


# -- x-onstage --------------------------------------------------------------------------------------


def test_facade_resource_or_method_change_is_breaking() -> None:
    def mutate(s: dict[str, Any]) -> None:
        op(s)["x-onstage"] = {"resource": "things.items", "method": "get"}
        op(s, "/things", "get")["x-onstage"]["method"] = "all"

    result = changes(mutate)
    assert [(c.operation, c.kind, c.breaking) for c in result] == [
        ("list_things (GET /things)", "facade-moved", True),
        ("get_thing (GET /things/{thing_id})", "facade-moved", True),
    ]
    assert result[1].detail == "facade method things.get -> things.items.get"


def test_facade_added_where_there_was_none_is_non_breaking() -> None:
    old = base()
    op(old).pop("x-onstage")
    assert rows(lambda s: op(s).update({"x-onstage": {"resource": "things", "method": "get"}}), old) == [
        ("facade-added", "x-onstage", False)
    ]


def test_facade_variants_and_aliases() -> None:
    def mutate(s: dict[str, Any]) -> None:
        op(s, "/things", "post")["x-onstage"]["variants"] = []
        op(s)["x-onstage"]["also"] = ["items.get"]
        op(s, "/things/{thing_id}", "delete").pop("x-onstage")

    assert rows(mutate) == [
        ("facade-alias-removed", "x-onstage", True),
        ("facade-alias-added", "x-onstage", False),
        ("facade-moved", "x-onstage", True),
    ]


# -- parameters ---------------------------------------------------------------------------------------


def add_param(required: bool) -> Callable[[dict[str, Any]], None]:
    def mutate(s: dict[str, Any]) -> None:
        op(s)["parameters"].append(
            {"name": "q", "in": "query", "required": required, "schema": {"type": "string"}}
        )

    return mutate


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(add_param(True), [("param-added", "query.q", True)], id="required-added"),
        pytest.param(add_param(False), [("param-added", "query.q", False)], id="optional-added"),
        pytest.param(
            lambda s: op(s)["parameters"].pop(), [("param-removed", "query.expand", True)], id="removed"
        ),
        pytest.param(
            lambda s: op(s)["parameters"][0].update(required=True),
            [("param-became-required", "query.expand", True)],
            id="optional-to-required",
        ),
        pytest.param(
            lambda s: op(s, "/things")["parameters"][0]["schema"].update(type="string"),
            [("param-type-changed", "query.page_no", True)],
            id="type-changed",
        ),
        pytest.param(
            lambda s: op(s)["parameters"][0]["schema"].update(format="uuid"),
            [("param-type-changed", "query.expand", True)],
            id="format-changed",
        ),
        pytest.param(
            lambda s: op(s)["parameters"][0]["schema"].update(enum=["owner"]),
            [("param-enum-value-removed", "query.expand", True)],
            id="enum-value-removed",
        ),
        pytest.param(
            lambda s: op(s)["parameters"][0]["schema"].update(enum=["owner", "tags", "parent"]),
            [("param-enum-value-added", "query.expand", False)],
            id="enum-value-added",
        ),
        pytest.param(
            lambda s: op(s, "/things")["parameters"][0]["schema"].update(type=["integer", "string"]),
            [("param-type-widened", "query.page_no", False)],
            id="type-widened",
        ),
        pytest.param(
            lambda s: op(s, "/things")["parameters"][0]["schema"].update(type="number"),
            [("param-type-widened", "query.page_no", False)],
            id="integer-to-number-widened",
        ),
        pytest.param(
            lambda s: op(s)["parameters"][0]["schema"].pop("enum"),
            [("param-type-widened", "query.expand", False)],
            id="enum-constraint-dropped",
        ),
        pytest.param(
            lambda s: op(s, "/things")["parameters"][0]["schema"].update(enum=[1, 2]),
            [("param-type-changed", "query.page_no", True)],
            id="enum-constraint-added",
        ),
    ],
)
def test_parameter_changes(mutate: Callable[[dict[str, Any]], Any], expected: list[Row]) -> None:
    assert rows(mutate) == expected


def test_parameter_required_to_optional_is_non_breaking() -> None:
    old = base()
    op(old)["parameters"][0]["required"] = True
    assert rows(lambda s: op(s)["parameters"][0].update(required=False), old) == [
        ("param-became-optional", "query.expand", False)
    ]


def test_ref_parameter_at_path_level_is_followed_for_every_operation() -> None:
    def mutate(s: dict[str, Any]) -> None:
        s["components"]["parameters"]["thing_id"]["schema"] = {"type": "integer"}

    assert [(c.operation, c.kind, c.location, c.breaking) for c in changes(mutate)] == [
        ("get_thing (GET /things/{thing_id})", "param-type-changed", "path.thing_id", True),
        ("delete_thing (DELETE /things/{thing_id})", "param-type-changed", "path.thing_id", True),
    ]


def test_operation_level_parameter_overrides_path_level() -> None:
    def mutate(s: dict[str, Any]) -> None:
        op(s)["parameters"].append(
            {"name": "thing_id", "in": "path", "required": True, "schema": {"type": "integer"}}
        )

    assert rows(mutate) == [("param-type-changed", "path.thing_id", True)]


def test_enum_values_of_a_ref_enum_parameter() -> None:
    def mutate(s: dict[str, Any]) -> None:
        schemas(s)["Status"]["enum"] = ["active", "deleted"]

    result = [(c.operation, *r) for c, r in zip(changes(mutate), rows(mutate), strict=True)]
    assert (
        "list_things (GET /things)",
        "param-enum-value-removed",
        "query.status",
        True,
    ) in result
    assert ("list_things (GET /things)", "param-enum-value-added", "query.status", False) in result
    # responses: enums are open in the SDK, both directions are non-breaking
    assert (
        "get_thing (GET /things/{thing_id})",
        "response-enum-value-removed",
        "response.200.data.status",
        False,
    ) in result
    assert (
        "get_thing (GET /things/{thing_id})",
        "response-enum-value-added",
        "response.200.data.status",
        False,
    ) in result
    assert ("create_thing (POST /things)", "body-enum-value-removed", "body.status", True) in result


# -- request body ----------------------------------------------------------------------------------------


def create(s: dict[str, Any]) -> Any:
    return schemas(s)["ThingCreate"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            lambda s: (
                create(s)["properties"].update(owner={"type": "string"}),
                create(s)["required"].append("owner"),
            ),
            [("body-property-added", "body.owner", True)],
            id="required-property-added",
        ),
        pytest.param(
            lambda s: create(s)["properties"].update(owner={"type": "string"}),
            [("body-property-added", "body.owner", False)],
            id="optional-property-added",
        ),
        pytest.param(
            lambda s: create(s)["properties"].pop("size"),
            [("body-property-removed", "body.size", True)],
            id="removed",
        ),
        pytest.param(
            lambda s: create(s)["properties"]["size"].update(type="string"),
            [("body-type-changed", "body.size", True)],
            id="type-changed",
        ),
        pytest.param(
            lambda s: create(s)["properties"]["tags"]["items"].update(type="integer"),
            [("body-type-changed", "body.tags[]", True)],
            id="array-item-type-changed",
        ),
        pytest.param(
            lambda s: create(s)["properties"].update(status={"type": "string", "enum": ["active"]}),
            [("body-enum-value-removed", "body.status", True)],
            id="enum-value-removed",
        ),
        pytest.param(
            lambda s: create(s)["required"].append("size"),
            [("body-became-required", "body.size", True)],
            id="property-became-required",
        ),
        pytest.param(
            lambda s: create(s)["required"].clear(),
            [("body-became-optional", "body.name", False)],
            id="property-became-optional",
        ),
        pytest.param(
            lambda s: create(s)["properties"].pop("id"),
            [],
            id="read-only-property-is-not-sent",
        ),
        pytest.param(
            lambda s: op(s, "/things", "post").pop("requestBody"),
            [("body-removed", "body", True)],
            id="body-removed",
        ),
        pytest.param(
            lambda s: op(s).update(requestBody={"content": {JSON: {"schema": {"type": "object"}}}}),
            [("body-added", "body", False)],
            id="optional-body-added",
        ),
        pytest.param(
            lambda s: op(s, "/things", "post")["requestBody"].update(required=False),
            [("body-became-optional", "body", False)],
            id="body-became-optional",
        ),
        pytest.param(
            lambda s: op(s, "/things", "post")["requestBody"].update(
                content={"multipart/form-data": {"schema": {"type": "object"}}}
            ),
            [("body-media-type-removed", "body", True), ("body-media-type-added", "body", False)],
            id="media-type-changed",
        ),
    ],
)
def test_request_body_changes(mutate: Callable[[dict[str, Any]], Any], expected: list[Row]) -> None:
    assert [r for r in rows(mutate) if r[1].startswith("body")] == expected


# -- responses -----------------------------------------------------------------------------------------


def thing(s: dict[str, Any]) -> Any:
    return schemas(s)["Thing"]


def get_thing_rows(mutate: Callable[[dict[str, Any]], Any], old: dict[str, Any] | None = None) -> list[Row]:
    return [
        r
        for c, r in zip(changes(mutate, old), rows(mutate, old), strict=True)
        if c.operation.startswith("get_thing")
    ]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        pytest.param(
            lambda s: thing(s)["properties"].pop("size"),
            [("response-property-removed", "response.200.data.size", True)],
            id="field-removed",
        ),
        pytest.param(
            lambda s: thing(s)["properties"].update(color={"type": "string"}),
            [("response-property-added", "response.200.data.color", False)],
            id="field-added",
        ),
        pytest.param(
            lambda s: thing(s)["properties"]["name"].update(type=["string", "null"]),
            [("response-became-nullable", "response.200.data.name", True)],
            id="nullable-3.1-type-list",
        ),
        pytest.param(
            lambda s: thing(s)["properties"]["name"].update(nullable=True),
            [("response-became-nullable", "response.200.data.name", True)],
            id="nullable-3.0",
        ),
        pytest.param(
            lambda s: thing(s)["properties"].update(
                status={"anyOf": [{"$ref": "#/components/schemas/Status"}, {"type": "null"}]}
            ),
            [("response-became-nullable", "response.200.data.status", True)],
            id="nullable-anyOf-null-branch",
        ),
        pytest.param(
            lambda s: thing(s)["properties"]["note"].update(type="string"),
            [("response-became-non-nullable", "response.200.data.note", False)],
            id="no-longer-nullable",
        ),
        pytest.param(
            lambda s: thing(s)["required"].remove("name"),
            [("response-became-optional", "response.200.data.name", True)],
            id="lost-required",
        ),
        pytest.param(
            lambda s: thing(s)["properties"]["size"].update(type="string"),
            [("response-type-changed", "response.200.data.size", True)],
            id="type-changed",
        ),
        pytest.param(
            lambda s: thing(s)["properties"]["size"].update(type="number"),
            [("response-type-widened", "response.200.data.size", True)],
            id="type-widened-breaks-readers",
        ),
        pytest.param(
            lambda s: thing(s)["properties"]["id"].pop("format"),
            [("response-type-changed", "response.200.data.id", True)],
            id="format-changed",
        ),
        pytest.param(
            lambda s: schemas(s)["Status"]["enum"].append("deleted"),
            [("response-enum-value-added", "response.200.data.status", False)],
            id="enum-value-added",
        ),
        pytest.param(
            lambda s: schemas(s)["Status"]["enum"].remove("archived"),
            [("response-enum-value-removed", "response.200.data.status", False)],
            id="enum-value-removed",
        ),
        pytest.param(
            lambda s: thing(s)["properties"].pop("secret"),
            [],
            id="write-only-field-is-never-read",
        ),
        pytest.param(
            lambda s: op(s).update(responses=ok(envelope("Thing"), "201")),
            [("response-removed", "response.200", True), ("response-added", "response.201", False)],
            id="status-code-changed",
        ),
        pytest.param(
            lambda s: thing(s)["properties"]["parent"].update({"$ref": "#/components/schemas/Error"}),
            [
                ("response-property-removed", "response.200.data.parent.id", True),
                ("response-property-removed", "response.200.data.parent.name", True),
                ("response-property-removed", "response.200.data.parent.note", True),
                ("response-property-removed", "response.200.data.parent.parent", True),
                ("response-property-removed", "response.200.data.parent.size", True),
                ("response-property-removed", "response.200.data.parent.status", True),
                ("response-property-added", "response.200.data.parent.message", False),
            ],
            id="ref-retargeted",
        ),
    ],
)
def test_response_changes(mutate: Callable[[dict[str, Any]], Any], expected: list[Row]) -> None:
    assert get_thing_rows(mutate) == expected


def test_response_changes_are_reported_per_operation_through_refs_and_arrays() -> None:
    result = changes(lambda s: thing(s)["properties"].pop("size"))
    assert [(c.operation, c.location) for c in result] == [
        ("list_things (GET /things)", "response.200.data[].size"),
        ("create_thing (POST /things)", "response.201.data.size"),
        ("get_thing (GET /things/{thing_id})", "response.200.data.size"),
    ]
    assert all(c.kind == "response-property-removed" and c.breaking for c in result)


def test_recursive_schema_terminates_and_reports_once_per_operation() -> None:
    # Thing.parent -> Thing: the nested copy is not re-walked, so one change per operation
    result = get_thing_rows(lambda s: thing(s)["properties"]["name"].update(type="integer"))
    assert result == [("response-type-changed", "response.200.data.name", True)]


def test_mutually_recursive_schemas_terminate() -> None:
    old = base()
    schemas(old)["A"] = {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/B"}}}
    schemas(old)["B"] = {
        "type": "object",
        "properties": {"a": {"$ref": "#/components/schemas/A"}, "x": {"type": "string"}},
    }
    thing(old)["properties"]["a"] = {"$ref": "#/components/schemas/A"}
    assert get_thing_rows(lambda s: schemas(s)["B"]["properties"].pop("x"), old) == [
        ("response-property-removed", "response.200.data.a.b.x", True)
    ]


def test_openapi_30_nullable_false_to_true() -> None:
    old = base()
    old["openapi"] = "3.0.3"
    thing(old)["properties"]["note"] = {"type": "string", "nullable": False}
    assert get_thing_rows(lambda s: thing(s)["properties"]["note"].update(nullable=True), old) == [
        ("response-became-nullable", "response.200.data.note", True)
    ]


# -- composition -------------------------------------------------------------------------------------


def with_pets() -> dict[str, Any]:
    spec = base()
    schemas(spec).update(
        Cat={"type": "object", "properties": {"meow": {"type": "string"}}},
        Dog={"type": "object", "properties": {"bark": {"type": "string"}}},
        Pet={"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}]},
    )
    thing(spec)["properties"]["pet"] = {"$ref": "#/components/schemas/Pet"}
    create(spec)["properties"]["pet"] = {"$ref": "#/components/schemas/Pet"}
    return spec


def test_one_of_variant_added() -> None:
    def mutate(s: dict[str, Any]) -> None:
        schemas(s)["Bird"] = {"type": "object", "properties": {"tweet": {"type": "string"}}}
        schemas(s)["Pet"]["oneOf"].append({"$ref": "#/components/schemas/Bird"})

    result = [
        (c.operation.split()[0], *r)
        for c, r in zip(changes(mutate, with_pets()), rows(mutate, with_pets()), strict=True)
    ]
    assert ("create_thing", "body-variant-added", "body.pet", False) in result
    assert ("get_thing", "response-variant-added", "response.200.data.pet", True) in result
    assert ("components.schemas", "schema-added", "Bird", False) in result


def test_any_of_variant_removed_and_inner_change() -> None:
    def mutate(s: dict[str, Any]) -> None:
        schemas(s)["Pet"] = {"anyOf": [{"$ref": "#/components/schemas/Cat"}]}
        schemas(s)["Cat"]["properties"]["meow"] = {"type": "integer"}

    old = with_pets()
    schemas(old)["Pet"] = {"anyOf": schemas(old)["Pet"].pop("oneOf")}
    create_rows = [
        r
        for c, r in zip(changes(mutate, old), rows(mutate, old), strict=True)
        if c.operation.startswith("create")
    ]
    assert create_rows == [
        ("body-variant-removed", "body.pet", True),
        ("body-type-changed", "body.pet<Cat>.meow", True),
        ("response-variant-removed", "response.201.data.pet", False),
        ("response-type-changed", "response.201.data.pet<Cat>.meow", True),
    ]


def test_inline_variants_compare_by_summary() -> None:
    old = base()
    thing(old)["properties"]["value"] = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    assert get_thing_rows(
        lambda s: thing(s)["properties"]["value"]["oneOf"].append({"type": "boolean"}), old
    ) == [("response-variant-added", "response.200.data.value", True)]


def test_all_of_is_merged() -> None:
    old = base()
    schemas(old)["Base"] = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    schemas(old)["Thing"] = {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "properties": {"name": {"type": "string"}}},
        ]
    }

    def mutate(s: dict[str, Any]) -> None:
        schemas(s)["Base"]["required"] = []
        schemas(s)["Thing"]["allOf"][1]["properties"]["age"] = {"type": "integer"}

    assert get_thing_rows(mutate, old) == [
        ("response-property-added", "response.200.data.age", False),
        ("response-became-optional", "response.200.data.id", True),
    ]


# -- components -------------------------------------------------------------------------------------------


def test_component_schemas_added_and_removed() -> None:
    def mutate(s: dict[str, Any]) -> None:
        schemas(s).pop("Error")
        schemas(s)["Extra"] = {"type": "object"}
        s["components"]["responses"]["Error"]["content"][JSON]["schema"] = {
            "type": "object",
            "properties": {"message": {"type": "string"}},
        }

    result = changes(mutate)
    assert [(c.operation, c.kind, c.location, c.breaking) for c in result] == [
        ("components.schemas", "schema-removed", "Error", True),
        ("components.schemas", "schema-added", "Extra", False),
    ]


# -- report and CLI ---------------------------------------------------------------------------------------


def mixed(s: dict[str, Any]) -> None:
    s["paths"]["/things/{thing_id}"].pop("delete")  # breaking
    thing(s)["properties"]["color"] = {"type": "string"}  # 3 x non-breaking (one per operation reading Thing)


def write_pair(tmp_path: Path, mutate: Callable[[dict[str, Any]], Any]) -> tuple[str, str]:
    old, new = base(), base()
    mutate(new)
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(old))
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(new))
    return str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")


def test_text_report_is_grouped_by_operation() -> None:
    text = render_text(changes(mixed), "a.yaml", "b.yaml")
    lines = text.splitlines()
    assert lines[0] == "OpenAPI diff: a.yaml -> b.yaml"
    assert "get_thing (GET /things/{thing_id})" in lines
    assert "delete_thing (DELETE /things/{thing_id})" in lines
    assert any(
        line.startswith("  BREAKING      operation-removed  DELETE /things/{thing_id}") for line in lines
    )
    added = "response.200.data.color: optional field `color` added (string)"
    assert f"  non-breaking  response-property-added  {added}" in lines
    assert lines[-1] == "1 breaking, 3 non-breaking changes"


def test_cli_exit_codes_and_summary(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, mixed)
    plain = run("scripts.spec_diff", old, new)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.strip().splitlines()[-1] == "1 breaking, 3 non-breaking changes"
    assert run("scripts.spec_diff", old, new, "--fail-on-breaking").returncode == 1
    same = run("scripts.spec_diff", old, old, "--fail-on-breaking")
    assert same.returncode == 0
    assert same.stdout.strip().splitlines()[-1] == "0 breaking, 0 non-breaking changes"


def test_cli_non_breaking_only_passes_fail_on_breaking(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, lambda s: thing(s)["properties"].update(color={"type": "string"}))
    result = run("scripts.spec_diff", old, new, "--fail-on-breaking")
    assert result.returncode == 0
    assert result.stdout.strip().endswith("0 breaking, 3 non-breaking changes")


def test_cli_json_format(tmp_path: Path) -> None:
    old, new = write_pair(tmp_path, mixed)
    result = run("scripts.spec_diff", old, new, "--format", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert (report["breaking"], report["non_breaking"]) == (1, 3)
    assert report["summary"] == "1 breaking, 3 non-breaking changes"
    assert report["changes"][0] == {
        "kind": "response-property-added",
        "location": "response.200.data[].color",
        "detail": "optional field `color` added (string)",
        "breaking": False,
        "operation": "list_things (GET /things)",
    }


def test_cli_usage_errors(tmp_path: Path) -> None:
    assert run("scripts.spec_diff", "only-one.yaml").returncode == 2
    assert (
        run("scripts.spec_diff", str(tmp_path / "missing.yaml"), str(tmp_path / "missing.yaml")).returncode
        == 2
    )
    (tmp_path / "list.yaml").write_text("- not a mapping\n")
    bad = run("scripts.spec_diff", str(tmp_path / "list.yaml"), str(tmp_path / "list.yaml"))
    assert bad.returncode == 2
    assert "not an OpenAPI document" in bad.stderr


def test_base_ref_mode_against_a_git_repo(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    spec = repo / "openapi" / "onstage.yaml"
    spec.parent.mkdir(parents=True)
    git(repo, "init", "-q")
    spec.write_text(yaml.safe_dump(base()))
    git(repo, "add", "openapi/onstage.yaml")
    git(repo, "commit", "-q", "-m", "spec v1")
    new = base()
    mixed(new)
    spec.write_text(yaml.safe_dump(new))

    result = run(
        "scripts.spec_diff", "--base-ref", "HEAD", "openapi/onstage.yaml", "--fail-on-breaking", cwd=repo
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("OpenAPI diff: HEAD:openapi/onstage.yaml -> openapi/onstage.yaml")
    assert "operation-removed" in result.stdout
    assert result.stdout.strip().endswith("1 breaking, 3 non-breaking changes")
    # the spec path defaults to openapi/onstage.yaml, and works from another directory too
    assert run("scripts.spec_diff", "--base-ref", "HEAD", cwd=repo).returncode == 0
    assert run("scripts.spec_diff", "--base-ref", "HEAD", str(spec), cwd=tmp_path).returncode == 0
    # after committing, the working tree matches HEAD
    git(repo, "commit", "-q", "-am", "spec v2")
    clean = run(
        "scripts.spec_diff", "--base-ref", "HEAD", "openapi/onstage.yaml", "--fail-on-breaking", cwd=repo
    )
    assert clean.returncode == 0
    assert clean.stdout.strip().endswith("0 breaking, 0 non-breaking changes")
    assert "1 breaking" in run("scripts.spec_diff", "--base-ref", "HEAD~1", cwd=repo).stdout
    missing = run("scripts.spec_diff", "--base-ref", "no-such-ref", cwd=repo)
    assert missing.returncode == 2
    assert "git show no-such-ref" in missing.stderr


# -- api_diff ---------------------------------------------------------------------------------------------

PKG_V1 = {
    "__init__.py": """
        from demo._impl import Client

        __all__ = ["Client", "farewell", "greet"]


        def greet(name: str, punct: str = "!") -> str:
            return name + punct


        def farewell(name: str) -> str:
            return name
    """,
    "_impl.py": """
        class ItemsResource:  # not exported: users reach it as `client.items`
            def list(self, page: int = 1) -> list[str]:
                return []

            def delete(self, item_id: str) -> None:
                pass


        class Client:
            def get(self, key: str) -> str:
                return key

            @property
            def items(self) -> ItemsResource:
                return ItemsResource()

            def _internal(self, x: int) -> None:
                pass
    """,
    "_generated/__init__.py": """
        def build(a: int, b: int) -> int:
            return a + b
    """,
}
PKG_V2 = {
    # farewell removed; greet gained a required positional parameter
    "__init__.py": """
        from demo._impl import Client

        __all__ = ["Client", "greet"]


        def greet(name: str, lang: str, punct: str = "!") -> str:
            return name + punct
    """,
    # Client.get gained a required keyword; client.items.delete removed; private changes are ignored
    "_impl.py": """
        class ItemsResource:
            def list(self, page: int = 1) -> list[str]:
                return []


        class Client:
            def get(self, key: str, *, timeout: float) -> str:
                return key

            @property
            def items(self) -> ItemsResource:
                return ItemsResource()

            def _internal(self) -> None:
                pass
    """,
    "_generated/__init__.py": """
        def build(a: int) -> int:
            return a
    """,
}


def write_pkg(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / "src" / "demo" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())


def breakages(stdout: str) -> set[str]:
    """Breakage lines without their trailing `(file:line)`."""
    return {line.rsplit(" (", 1)[0] for line in stdout.strip().splitlines()[:-1]}


def committed_pkg(tmp_path: Path, files: dict[str, str]) -> Path:
    """A git repository with ``files`` as package ``demo`` committed as v1."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    write_pkg(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "v1")
    return repo


def test_api_diff_reports_removed_function_and_changed_signatures(tmp_path: Path) -> None:
    repo = committed_pkg(tmp_path, PKG_V1)
    write_pkg(repo, PKG_V2)
    git(repo, "commit", "-q", "-am", "v2")

    result = run("scripts.api_diff", "--base", "HEAD~1", "--head", "HEAD", "--package", "demo", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert breakages(result.stdout) == {
        "demo.farewell: Public object was removed",
        "demo.greet(lang): Parameter was added as required",
        "demo.greet(punct): Positional parameter was moved",
        # Client lives in a private module but is re-exported: reported under its public name
        "demo.Client.get(timeout): Parameter was added as required",
        # ItemsResource is not exported, but users reach it through the typed `Client.items` property
        "demo.Client.items.delete: Public object was removed",
    }
    assert "_generated" not in result.stdout and "_internal" not in result.stdout  # private: ignored
    assert (
        result.stdout.strip().splitlines()[-1]
        == "5 breaking changes in the public API of demo (HEAD~1 -> HEAD)"
    )
    assert any(line.endswith("(src/demo/__init__.py:0)") for line in result.stdout.splitlines())

    args = ["--base", "HEAD~1", "--head", "HEAD", "--package", "demo", "--fail-on-breaking"]
    assert run("scripts.api_diff", *args, cwd=repo).returncode == 1
    # the default head is the working tree: equal to HEAD here, then with an uncommitted break
    clean = run(
        "scripts.api_diff", "--base", "HEAD", "--package", "demo", "--repo", str(repo), "--fail-on-breaking"
    )
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.strip() == "0 breaking changes in the public API of demo (HEAD -> WORKTREE)"
    (repo / "src" / "demo" / "__init__.py").write_text(
        "from demo._impl import Client\n\n__all__ = ['Client']\n"
    )
    dirty = run("scripts.api_diff", "--base", "HEAD", "--package", "demo", "--fail-on-breaking", cwd=repo)
    assert dirty.returncode == 1
    assert breakages(dirty.stdout) == {"demo.greet: Public object was removed"}
    # an unknown ref or package is a load error
    assert run("scripts.api_diff", "--base", "no-such-ref", "--package", "demo", cwd=repo).returncode == 2
    assert run("scripts.api_diff", "--base", "HEAD", "--package", "nope", cwd=repo).returncode == 2


LAZY_V1 = {
    "__init__.py": "",
    "_models/__init__.py": """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from ._group import Kept as Kept
            from ._group import Dropped as Dropped

        __all__ = ["Dropped", "Kept"]
    """,
    "_models/_group.py": """
        class Kept:
            def size(self) -> int:
                return 1


        class Dropped:
            pass
    """,
    "models.py": """
        from typing import TYPE_CHECKING

        from demo._models import __all__ as __all__

        if TYPE_CHECKING:
            from demo._models import *
    """,
}
LAZY_V2 = {
    **LAZY_V1,
    "_models/__init__.py": """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from ._group import Kept as Kept

        __all__ = ["Kept"]
    """,
    "_models/_group.py": """
        class Kept:
            def size(self, unit: str) -> int:
                return 1
    """,
}


def test_api_diff_sees_names_reexported_for_type_checkers(tmp_path: Path) -> None:
    """The lazy models modules re-export under ``if TYPE_CHECKING:``: a removed or changed model is
    a breaking change like any other."""
    repo = committed_pkg(tmp_path, LAZY_V1)
    write_pkg(repo, LAZY_V2)
    result = run("scripts.api_diff", "--base", "HEAD", "--package", "demo", "--repo", str(repo), cwd=repo)
    assert result.returncode == 0, result.stderr
    assert breakages(result.stdout) == {
        "demo.models.Dropped: Public object was removed",
        "demo.models.Kept.size(unit): Parameter was added as required",
    }
