"""The spec as the parser sees it: one API's part of the shared spec (``split_api``), then the
patches in ``PATCHES``, in that order.

Each patch is a named function whose docstring says why it exists (its first line is recorded in
``_lock.json``); it edits the split document in place and returns what it changed, by count, which
``_lock.json`` records per API so a reader sees what was done to the spec before parsing.
The ``x-onstage`` marks and ``format: uuid`` that patches remove are still in the unpatched spec,
where ``context`` reads them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from scripts.codegen.spec import Json, operations, resolve

__all__ = ["PATCHES", "PatchInput", "apply_patches", "split_api", "why"]

Doc = dict[str, Any]
#: A patch's record: what it changed, by count (``{"responses dropped": 12}``).
Counts = dict[str, int]

#: The response codes a generated parser may read (the first of them in the spec wins).
SUCCESS = ("200", "201", "202", "204", "2XX")
#: The component sections an API's part of the spec carries (prefixed ``<api>_`` in the shared spec).
SECTIONS = ("schemas", "parameters", "requestBodies")


@dataclass(frozen=True)
class PatchInput:
    """What a patch may read besides the document it edits: the whole spec (to resolve ``$ref``s
    that point outside the split, such as ``components/responses``) and the API's facts."""

    spec: Json
    api: str
    envelope: str | None

    @property
    def prefix(self) -> str:
        return f"{self.api}_"


def split_api(spec: Json, api: str) -> Doc:
    """One API's operations (tagged ``<api>-…``, with their path-level parameters) and components
    (``<api>_…``), deep-copied so patches can edit them; responses are inlined (the split carries no
    ``components/responses``)."""
    paths: Doc = {}
    for path, method, op, path_params in operations(spec, api):
        op = copy.deepcopy(op)
        if "responses" in op:
            op["responses"] = {
                code: copy.deepcopy(resolve(spec, resp)) for code, resp in op["responses"].items()
            }
        item = paths.setdefault(path, {})
        if path_params:
            item["parameters"] = copy.deepcopy(path_params)
        item[method] = op
    prefix = f"{api}_"
    components = {
        section: {k: copy.deepcopy(v) for k, v in entries.items() if k.startswith(prefix)}
        for section, entries in spec.get("components", {}).items()
        if section in SECTIONS
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": api, "version": str(spec.get("info", {}).get("version", "0"))},
        "paths": paths,
        "components": components,
    }


def _ops(doc: Doc) -> list[Doc]:
    return [op for item in doc["paths"].values() for key, op in item.items() if key != "parameters"]


def _json_content(resp: Any) -> Any:
    return resp.get("content", {}).get("application/json") if isinstance(resp, dict) else None


def success_only(doc: Doc, p: PatchInput) -> Counts:
    """Error bodies are parsed by the runtime's error mapper, not by generated models: each operation
    keeps its first success response (``204 No content`` when it declares none)."""
    dropped = empty = 0
    for op in _ops(doc):
        responses = op.get("responses", {})
        kept = next(({str(c): r} for c, r in responses.items() if str(c) in SUCCESS), {})
        dropped += len(responses) - len(kept)
        if not kept:
            empty += 1
        op["responses"] = kept or {"204": {"description": "No content"}}
    return {"responses dropped": dropped, "operations given 204": empty}


def unwrap_envelope(doc: Doc, p: PatchInput) -> Counts:
    """Responses describe the wire body (``{"success": true, "data": ...}``); generated parsers take the
    payload the runtime has already unwrapped, so a success schema becomes its envelope's ``data``."""
    unwrapped = 0
    if p.envelope:
        for op in _ops(doc):
            unwrapped += _unwrap(op, p.envelope, p)
    return {"responses unwrapped": unwrapped}


def unwrap_marked(doc: Doc, p: PatchInput) -> Counts:
    """An operation marked ``x-onstage: {unwrap: key}`` returns one property of its body (a single
    object inside a wrapper); its parser takes that property."""
    unwrapped = 0
    for op in _ops(doc):
        key = (op.get("x-onstage") or {}).get("unwrap")
        if key:
            unwrapped += _unwrap(op, key, p)
    return {"responses unwrapped": unwrapped}


def _unwrap(op: Doc, key: str, p: PatchInput) -> int:
    n = 0
    for resp in op["responses"].values():
        content = _json_content(resp)
        if content and "schema" in content:
            schema = resolve(p.spec, content["schema"])
            if isinstance(schema, dict) and key in schema.get("properties", {}):
                content["schema"] = copy.deepcopy(schema["properties"][key])
                n += 1
    return n


def drop_security(doc: Doc, p: PatchInput) -> Counts:
    """Authentication is the client's (its credentials come from ``onstage._apis``), not a parameter
    of each generated function."""
    ops = [op for op in _ops(doc) if "security" in op]
    for op in ops:
        del op["security"]
    return {"operations": len(ops)}


def drop_extensions(doc: Doc, p: PatchInput) -> Counts:
    """``x-...`` marks are ours, for the template context (which reads them from the unpatched spec);
    the parser sees plain OpenAPI, so what it emits depends on standard keywords only."""
    dropped = 0
    for node in _dicts(doc):
        for key in [k for k in node if isinstance(k, str) and k.startswith("x-")]:
            del node[key]  # before _dicts descends: nothing inside a mark is visited
            dropped += 1
    return {"keys dropped": dropped}


def strip_prefix(doc: Doc, p: PatchInput) -> Counts:
    """Components are prefixed per API in the shared spec (``realtimekit_Meeting``); each API gets
    its own namespace, so models are named ``Meeting``."""
    components = doc["components"]
    renamed = sum(len(entries) for entries in components.values())
    for section, entries in components.items():
        components[section] = {k[len(p.prefix) :]: v for k, v in entries.items()}
    pattern = re.compile(rf"(#/components/\w+/){re.escape(p.prefix)}")
    rewritten = 0
    for node in _dicts(doc):
        ref = node.get("$ref")
        if isinstance(ref, str):
            node["$ref"] = pattern.sub(r"\1", ref)
            rewritten += node["$ref"] != ref
    return {"components renamed": renamed, "refs rewritten": rewritten}


def uuid_as_str(doc: Doc, p: PatchInput) -> Counts:
    """Ids stay plain ``str`` (no ``format: uuid`` to ``UUID``) so they round-trip into paths and
    compare equal to the user's strings."""
    dropped = 0
    for node in _dicts(doc):
        if node.get("format") == "uuid":
            del node["format"]
            dropped += 1
    return {"formats dropped": dropped}


def _dicts(node: Any) -> Iterator[Doc]:
    """Every mapping in ``node``, parents first; a parent's values are read after the caller has
    edited it, so keys it deleted are not descended into."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _dicts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dicts(value)


Patch = Callable[[Doc, PatchInput], Counts]

#: Applied in this order (the unwraps read the ``x-onstage`` marks that ``drop_extensions`` removes).
PATCHES: tuple[Patch, ...] = (
    success_only,
    unwrap_envelope,
    unwrap_marked,
    drop_security,
    drop_extensions,
    strip_prefix,
    uuid_as_str,
)


def why(patch: Patch) -> str:
    """The patch's reason: its docstring, on one line."""
    return " ".join((patch.__doc__ or "").split())


def apply_patches(doc: Doc, p: PatchInput) -> dict[str, Counts]:
    """Run every patch on ``doc`` in order; what each changed, by patch name."""
    return {patch.__name__: patch(doc, p) for patch in PATCHES}
