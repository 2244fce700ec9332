"""Reading the OpenAPI document: its YAML loader, the HTTP methods a path item may hold, ``$ref``
resolution and one API's operations.

The one definition of each: the spec differ (``scripts/_spec_differ.py``) loads specs and walks
path items with these too. Imports only PyYAML, so the differ does not pull in the parser or jinja.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

__all__ = ["METHODS", "Json", "SpecError", "load_spec", "operations", "resolve"]

Json = Mapping[str, Any]

#: The operations a path item may hold, in the OpenAPI specification's (and the parser's) order.
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class SpecError(Exception):
    """A spec could not be loaded."""


def load_spec(path: Path, text: str | None = None) -> Json:
    """The OpenAPI document at ``path``, or in ``text`` (read from ``path``)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
    data = yaml.load(path.read_text(encoding="utf-8") if text is None else text, Loader=loader)  # noqa: S506 - a SafeLoader
    if not isinstance(data, Mapping):
        raise SpecError(f"{path}: not an OpenAPI document (top level is not a mapping)")
    return data


def resolve(spec: Json, node: Any) -> Any:
    """``node`` with its local ``$ref`` chain followed (``#/components/schemas/X`` → that schema)."""
    while isinstance(node, dict) and "$ref" in node:
        cur: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            cur = cur[part]
        node = cur
    return node


def operations(spec: Json, api: str) -> list[tuple[str, str, dict[str, Any], list[Any]]]:
    """``(path, method, operation, path-level parameters)`` of one API (its operations are tagged
    ``<api>-<resource>``), in spec order."""
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op and (op.get("tags") or [""])[0].startswith(f"{api}-"):
                out.append((path, method, op, item.get("parameters", [])))
    return out
