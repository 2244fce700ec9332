"""Reading the OpenAPI document for the generator: one API's operations. Loading, walking the
operations and following ``$ref`` are ``onstage._openapi``'s, shared with the sandbox and the spec
differ; this module re-exports them under the generator's names.
"""

from __future__ import annotations

from typing import Any

from onstage._openapi import Json, resolve
from onstage._openapi import load_document as load_spec
from onstage._openapi import operations as walk

__all__ = ["Json", "load_spec", "operations", "resolve"]


def operations(spec: Json, api: str) -> list[tuple[str, str, dict[str, Any], list[Any]]]:
    """``(path, method, operation, path-level parameters)`` of one API (its operations are tagged
    ``<api>-<resource>``), in spec order."""
    return [
        (path, method, dict(op), list(item.get("parameters", [])))
        for path, method, op, item in walk(spec)
        if (op.get("tags") or [""])[0].startswith(f"{api}-")
    ]
