"""``onstage._openapi``: the one OpenAPI reader of the sandbox and the tools refuses what it cannot
follow with a ``SpecError`` that says which reference, instead of a ``KeyError`` or a hang."""

from __future__ import annotations

from pathlib import Path

import pytest

from onstage._openapi import SpecError, follow, load_document, operations, resolve

DOC = {
    "components": {
        "schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"},
            "a/b~c": {"type": "integer"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
        }
    }
}


def test_follows_chains_and_json_pointer_escapes() -> None:
    assert resolve(DOC, {"$ref": "#/components/schemas/A"}) == {"type": "string"}
    assert resolve(DOC, {"$ref": "#/components/schemas/a~1b~0c"}) == {"type": "integer"}
    assert resolve(DOC, {"type": "object"}) == {"type": "object"}


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("#/components/schemas/Nope", "does not resolve"),
        ("other.yaml#/X", "only local references"),
        ("#/components/schemas/Loop", "a loop"),
        ("#/components/schemas/B/type/deeper", "does not resolve"),
    ],
)
def test_refuses_what_it_cannot_follow(ref: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        resolve(DOC, {"$ref": ref})


def test_load_refuses_a_document_that_is_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(SpecError, match="not an OpenAPI document"):
        load_document(path)
    assert load_document(path, "openapi: 3.1.0\n") == {"openapi": "3.1.0"}


def test_operations_walks_every_method_and_skips_what_is_not_an_operation() -> None:
    doc = {
        "paths": {
            "/a": {"parameters": [], "get": {"operationId": "a"}, "post": {"operationId": "b"}, "x-y": {}},
            "/b": "not a path item",
            "/c": {"delete": None, "put": {"operationId": "c"}},
        }
    }
    assert [(p, m, op["operationId"]) for p, m, op, _ in operations(doc)] == [
        ("/a", "get", "a"),
        ("/a", "post", "b"),
        ("/c", "put", "c"),
    ]
    assert follow(DOC, "#/components/schemas/B") == {"type": "string"}
    assert follow(DOC, "#/components/schemas/B/type/x") is None and follow(DOC, "other#/x") is None
