"""Reading the OpenAPI document for the tools: one API's operations; the loader, the HTTP methods a
path item may hold and ``$ref`` resolution are ``onstage._openapi``'s (the sandbox reads the spec
with the same ones).

The spec differ (``scripts/_spec_differ.py``) loads specs and walks path items with these too.
Imports only PyYAML (when loading), so the differ does not pull in the parser or jinja.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from onstage._openapi import METHODS, SpecError, resolve
from onstage._openapi import load_document as load_spec

__all__ = ["METHODS", "Json", "SpecError", "load_spec", "operations", "resolve"]

Json = Mapping[str, Any]


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
