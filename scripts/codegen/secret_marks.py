"""The secret fields and parameters: the one list, read from the spec's marks (``format: password``,
``writeOnly``, ``x-onstage-secret``) and emitted as ``_generated/_secrets.py`` for reprs and the
runtime redactor, and per operation as ``Operation.secret_params``."""

from __future__ import annotations

from typing import Any

from onstage._openapi import operations
from scripts.codegen.spec import Json, resolve

__all__ = ["is_secret_param", "is_secret_schema", "secret_fields", "secret_params"]


def is_secret_schema(schema: Any) -> bool:
    """A property or parameter schema the spec marks secret: ``format: password``, ``writeOnly``
    or ``x-onstage-secret``."""
    return isinstance(schema, dict) and bool(
        schema.get("x-onstage-secret") or schema.get("writeOnly") or schema.get("format") == "password"
    )


def secret_fields(spec: Json) -> set[str]:
    """JSON property names (exact case) marked secret anywhere in the spec (components and inline
    schemas of every API). Reprs and the runtime redactor both use this set, by name."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict):
                for key, value in props.items():
                    if is_secret_schema(value) or is_secret_schema(resolve(spec, value)):
                        names.add(str(key))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in spec.items() if k in ("paths", "components", "webhooks")})
    return names


def is_secret_param(spec: Json, param: Any) -> bool:
    """A (resolved) path/query/header parameter marked ``x-onstage-secret`` or ``format: password``."""
    param = resolve(spec, param)
    return isinstance(param, dict) and (
        bool(param.get("x-onstage-secret")) or is_secret_schema(resolve(spec, param.get("schema")))
    )


def secret_params(spec: Json) -> set[str]:
    """Names of the path, query and header parameters marked secret in any operation."""
    names: set[str] = set()
    for _, _, op, item in operations(spec):
        params = [*(item.get("parameters") or []), *(op.get("parameters") or [])]
        names.update(str(resolve(spec, p)["name"]) for p in params if is_secret_param(spec, p))
    return names
