"""What the spec rests on, per API: how many operations the official SDK, the documentation or inference
backs (``x-onstage-evidence``, rule 13 of openapi/README.md), and every operation, parameter and field whose
description rests on inference (``x-onstage-inferred``, rule 11), with its reason.

    python -m scripts.fidelity [--format text|json]

Operations are counted by their tag's API; a mark inside an operation (an inline parameter or schema) counts
for that operation's API, a mark in ``components`` for the API its name is prefixed with
(``tpstreams_Asset``). A ``$ref`` is not followed: a shared component counts once. Exit 0; 1 when an operation
has no valid ``x-onstage-evidence``. ``make fidelity`` prints it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from onstage._apis import API_NAMES
from onstage._openapi import operations as walk
from scripts.codegen.paths import SPEC
from scripts.codegen.spec import Json, load_spec

__all__ = ["EVIDENCE", "LEVELS", "MARK", "Fidelity", "main", "markdown", "marks", "measure"]

EVIDENCE = "x-onstage-evidence"
MARK = "x-onstage-inferred"
#: The values of ``x-onstage-evidence``, strongest first.
LEVELS = ("official", "docs", "inferred")


@dataclass
class Fidelity:
    """One API: operations per evidence level, the inferred operations and the inferred parameters/fields."""

    api: str
    operations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))
    #: ``"METHOD /path (operationId)"`` of operations without a valid ``x-onstage-evidence``.
    unmarked: list[str] = field(default_factory=list)
    #: ``(operation, reason)`` of operations marked ``x-onstage-inferred``.
    inferred_operations: list[tuple[str, str]] = field(default_factory=list)
    #: ``(where, reason)`` of parameters, fields and schemas marked ``x-onstage-inferred``.
    inferred_fields: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.operations.values()) + len(self.unmarked)


def _api_of(name: str) -> str | None:
    """The API a tag (``tpstreams-assets``) or a component name (``tpstreams_Asset``) belongs to."""
    for api in API_NAMES:
        if name.startswith((api + "-", api + "_")):
            return api
    return None


def marks(
    node: Any, where: tuple[str, ...] = (), seen: set[int] | None = None
) -> Iterator[tuple[tuple[str, ...], Json]]:
    """``(location, node)`` of every node at or below ``node`` that carries ``x-onstage-inferred``, each
    once (``$ref``s not followed; nodes in ``seen`` skipped; a list item with a ``name``, a parameter, is
    located by it)."""
    seen = set() if seen is None else seen
    if id(node) in seen:  # YAML aliases share nodes
        return
    seen.add(id(node))
    if isinstance(node, dict):
        if MARK in node:
            yield where, node
        for key, value in node.items():
            yield from marks(value, (*where, str(key)), seen)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            label = value.get("name") if isinstance(value, dict) and "name" in value else str(i)
            yield from marks(value, (*where, str(label)), seen)


_STRUCTURAL = {"properties", "schema", "content", "items", "additionalProperties", "allOf", "oneOf", "anyOf"}
_KINDS = {"parameters": "parameter", "requestBody": "body", "responses": "response"}


def _label(where: tuple[str, ...]) -> str:
    """A location without the structural keys (``properties``, ``schema``, media types …):
    ``tpstreams_Asset.parent`` (a component schema's field), ``parameter tpstreams_x`` (a shared
    parameter), ``tp_get_asset parameter expiry`` (an operation's)."""
    head, *rest = where
    rest = [p for p in rest if p not in _STRUCTURAL and "/" not in p]  # "/": a media type
    if head in ("schemas", "responses", "requestBodies"):
        return ".".join(rest)
    if head == "parameters":
        return "parameter " + ".".join(rest)
    if rest and rest[0] in _KINDS:
        return " ".join(x for x in (head, _KINDS[rest[0]], ".".join(rest[1:])) if x)
    return " ".join([head, *rest])


def measure(spec: Json | None = None) -> list[Fidelity]:
    """The per-API report of ``spec`` (default: ``openapi/onstage.yaml``), in ``API_NAMES`` order."""
    doc = spec if spec is not None else load_spec(SPEC)
    reports = {api: Fidelity(api) for api in API_NAMES}
    seen: set[int] = set()
    for path, method, op, item in walk(doc):
        api = _api_of(str((op.get("tags") or [""])[0]))
        if api is None:
            continue
        report = reports[api]
        name = f"{method.upper()} {path} ({op.get('operationId')})"
        level = op.get(EVIDENCE)
        if level in report.operations:
            report.operations[level] += 1
        else:
            report.unmarked.append(name)
        if MARK in op:
            report.inferred_operations.append((name, str(op[MARK])))
        # its parameters, body and responses, and the parameters its path item shares (listed with the
        # path's first operation: ``seen`` skips them after)
        inline = [((str(op.get("operationId")), key), op.get(key)) for key in _KINDS]
        for where, node in [*inline, ((path, "parameters"), item.get("parameters"))]:
            for at, marked in marks(node, where, seen):
                report.inferred_fields.append((_label(at), str(marked[MARK])))
    for section, entries in (doc.get("components") or {}).items():
        for key, node in (entries or {}).items() if isinstance(entries, dict) else ():
            api = _api_of(str(key))
            if api is None:
                continue
            for at, marked in marks(node, (str(section), str(key)), seen):
                reports[api].inferred_fields.append((_label(at), str(marked[MARK])))
    return list(reports.values())


def _text(reports: list[Fidelity]) -> str:
    lines = []
    for r in reports:
        ops = r.operations
        lines.append(
            f"{r.api}: {r.total} operations: {ops['official']} official SDK, {ops['docs']} docs, "
            f"{ops['inferred']} inferred; {len(r.inferred_fields)} parameters/fields marked inferred"
        )
        lines += [f"  no evidence: {name}" for name in r.unmarked]
        lines += [f"  inferred operation: {name}: {reason}" for name, reason in r.inferred_operations]
        lines += [f"  inferred: {where}: {reason}" for where, reason in r.inferred_fields]
    total = sum(r.total for r in reports)
    backed = sum(r.operations["official"] + r.operations["docs"] for r in reports)
    fields = sum(len(r.inferred_fields) for r in reports)
    lines.append(
        f"total: {backed} of {total} operations backed by the official SDK or docs; "
        f"{fields} parameters/fields rest on inference"
    )
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown(reports: list[Fidelity]) -> str:
    """The report as Markdown tables, for the documentation site (``scripts/docs_hooks.py``)."""
    lines = [
        "| API | operations | official SDK | docs | inferred | parameters/fields inferred |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in reports:
        ops = r.operations
        lines.append(
            f"| {r.api} | {r.total} | {ops['official']} | {ops['docs']} | {ops['inferred']} | "
            f"{len(r.inferred_fields)} |"
        )
    rows = [
        (r.api, f"operation `{name}`", reason) for r in reports for name, reason in r.inferred_operations
    ] + [(r.api, f"`{where}`", reason) for r in reports for where, reason in r.inferred_fields]
    if rows:
        lines += ["", "| API | what | why it is inferred |", "| --- | --- | --- |"]
        lines += [f"| {api} | {_cell(what)} | {_cell(reason)} |" for api, what, reason in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    reports = measure()
    if args.format == "json":
        print(json.dumps([{**asdict(r), "total": r.total} for r in reports], indent=2))
    else:
        print(_text(reports))
    return 1 if any(r.unmarked for r in reports) else 0


if __name__ == "__main__":
    raise SystemExit(main())
