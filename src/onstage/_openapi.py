"""Reading an OpenAPI document, written once for the sandbox (shipped with the package) and the dev
tools (``scripts/``: the generator and the spec differ): the methods a path item may hold, local
``$ref`` resolution and the YAML load.

PyYAML is imported only when a document is loaded: the sandbox extra and the dev tools have it, the
runtime never loads a document.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["METHODS", "Json", "SpecError", "follow", "load_document", "operations", "resolve"]

#: The operations a path item may hold, in the OpenAPI specification's (and the parser's) order.
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: ``$ref`` chains longer than this are a loop.
_MAX_REF_CHAIN = 32


class SpecError(ValueError):
    """A spec could not be loaded or a reference in it does not resolve."""


def load_document(path: Path, text: str | None = None) -> Mapping[str, Any]:
    """The OpenAPI document at ``path``, or in ``text`` (else read from ``path``)."""
    import yaml  # noqa: PLC0415 - only the sandbox and the dev tools load documents

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
    source = path.read_text(encoding="utf-8") if text is None else text
    data = yaml.load(source, Loader=loader)  # noqa: S506 - a safe loader
    if not isinstance(data, Mapping):
        raise SpecError(f"{path}: not an OpenAPI document (top level is not a mapping)")
    return data


Json = Mapping[str, Any]


def operations(document: Json) -> Iterator[tuple[str, str, Json, Json]]:
    """``(path, method, operation, path item)`` for every operation, in document order (path items
    and operations that are not mappings are skipped: a hostile or half-written spec is walked too)."""
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, Mapping):
                yield str(path), method, op, item


def follow(document: Json, ref: str) -> Any:
    """What the local reference ``ref`` (``#/components/schemas/X``) points at, or None when it does
    not resolve (``~1`` and ``~0`` unescaped as JSON Pointer says)."""
    if not ref.startswith("#/"):
        return None
    target: Any = document
    for part in ref[2:].split("/"):
        if not isinstance(target, Mapping):
            return None
        target = target.get(part.replace("~1", "/").replace("~0", "~"))
    return target


def resolve(document: Json, node: Any) -> Any:
    """``node`` with its local ``$ref`` chain followed (``#/components/schemas/X`` → that schema)."""
    for _ in range(_MAX_REF_CHAIN):
        if not (isinstance(node, Mapping) and "$ref" in node):
            return node
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise SpecError(f"unsupported $ref {ref!r} (only local references)")
        node = follow(document, ref)
        if node is None:
            raise SpecError(f"$ref {ref!r} does not resolve")
    raise SpecError(f"$ref chain longer than {_MAX_REF_CHAIN} (a loop?)")
