"""openapi/onstage.yaml: everything a caller passes is described, and inferred descriptions are marked
(rules 10 and 11 of openapi/README.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onstage._openapi import operations, resolve
from onstage.testing._spec import load_spec
from scripts.fidelity import MARK, marks

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "onstage.yaml"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec(SPEC_PATH)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def parameters(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, parameter)`` for every path/query/header/cookie parameter of every operation: the path
    item's and the operation's, ``$ref``s to ``components/parameters`` resolved, the operation's winning."""
    for path, method, op, item in operations(spec):
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for raw in list(item.get("parameters") or []) + list(op.get("parameters") or []):
            param = resolve(spec, raw)
            merged[(param["in"], param["name"])] = param
        for (where, name), param in merged.items():
            yield f"{op['operationId']} ({method.upper()} {path}) {where} parameter {name!r}", param


def body_properties(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, property)`` for every top-level property of every operation's request body, in every media
    type (JSON and multipart), the body schema's ``$ref`` and ``allOf`` parts resolved."""
    for path, method, op, _item in operations(spec):
        body = resolve(spec, op.get("requestBody")) or {}
        for media_type, media in (body.get("content") or {}).items():
            schema = resolve(spec, (media or {}).get("schema")) or {}
            parts = [schema] + [resolve(spec, part) or {} for part in schema.get("allOf") or []]
            for part in parts:
                for name, prop in (part.get("properties") or {}).items():
                    yield (
                        f"{op['operationId']} ({method.upper()} {path}) {media_type} body field {name!r}",
                        prop,
                    )


def described(spec: dict[str, Any], prop: dict[str, Any]) -> bool:
    """A body property is described by its own ``description`` or, when it is only a ``$ref`` (the spec puts
    no siblings next to ``$ref``), by the description of the component schema it points to."""
    if _text(prop.get("description")):
        return True
    return "$ref" in prop and _text((resolve(spec, prop) or {}).get("description"))


def test_every_parameter_is_described(spec: dict[str, Any]) -> None:
    found = list(parameters(spec))
    assert len(found) > 100
    missing = [where for where, param in found if not _text(param.get("description"))]
    assert not missing, f"{len(missing)} parameters without a description:\n" + "\n".join(missing)


def test_every_request_body_property_is_described(spec: dict[str, Any]) -> None:
    found = list(body_properties(spec))
    assert len(found) > 100
    missing = [where for where, prop in found if not described(spec, prop)]
    assert not missing, f"{len(missing)} request-body fields without a description:\n" + "\n".join(missing)


def test_inferred_marks_are_one_line_reasons(spec: dict[str, Any]) -> None:
    found = [("/".join(at), node) for at, node in marks(spec)]
    assert found, f"no {MARK} in the spec"
    for where, node in found:
        reason = node[MARK]
        assert isinstance(reason, str), f"{where}: {MARK} must be a string, not {reason!r}"
        assert reason.strip(), f"{where}: {MARK} is empty"
        assert "\n" not in reason and "\r" not in reason, f"{where}: {MARK} must be one line"
        assert _text(node.get("description")), f"{where}: {MARK} marks a node without a description"
