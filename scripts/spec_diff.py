"""Compare two OpenAPI 3.x documents; classify every change as BREAKING or non-breaking for SDK users.

    python -m scripts.spec_diff OLD.yaml NEW.yaml [--format text|json] [--fail-on-breaking]
    python -m scripts.spec_diff --base-ref REF [openapi/onstage.yaml] [--format text|json]
                                [--fail-on-breaking]

Operations match by operationId, then by METHOD + path template. Schemas are compared through `$ref`s
(recursion-guarded); `type: [x, 'null']`, `nullable: true` and null `anyOf/oneOf` branches mean
nullable, `allOf` is merged, `oneOf/anyOf` compare as sets of branch summaries. The SDK *sends*
parameters and bodies and *reads* responses, so narrowing an input or loosening an output breaks;
SDK enums are open, so response enum values added or removed do not. Exit 0; 1 with
--fail-on-breaking when something breaks; 2 on a usage or load error.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import yaml

from onstage._openapi import SpecError, operations
from onstage._openapi import load_document as load_spec
from scripts._spec_differ import COMPONENTS, Change, Op, _Differ
from scripts.codegen.spec import Json


def _operations(doc: Json) -> list[Op]:
    ops = []
    for path, method, op, item in operations(doc):
        template = "/".join("{}" if p.startswith("{") else p for p in path.split("/"))
        ops.append(
            Op(f"{method.upper()} {path}", f"{method} {template}", str(op.get("operationId") or ""), item, op)
        )
    return ops


def diff_specs(old: Json, new: Json) -> list[Change]:
    """Every change from `old` to `new`, grouped by operation (components last)."""
    d = _Differ(old, new)
    olds, news = _operations(old), _operations(new)
    pairs: dict[int, Op] = {}  # index in news -> matched old op
    by_id = {o.op_id: o for o in olds if o.op_id}
    for i, n in enumerate(news):
        if n.op_id in by_id:
            pairs[i] = by_id[n.op_id]
    by_route = {o.template: o for o in olds if o not in pairs.values()}
    for i, n in enumerate(news):
        match = by_route.pop(n.template, None) if i not in pairs else None
        if match is not None:
            pairs[i] = match
    for i, n in enumerate(news):
        if i in pairs:
            d.compare_ops(pairs[i], n)
        else:
            d.group = n.label
            d.add("operation-added", n.route, "operation added", False)
    for o in olds:
        if o not in pairs.values():
            d.group = o.label
            d.add("operation-removed", o.route, "operation removed", True)
    d.group = COMPONENTS
    oschemas = (old.get("components") or {}).get("schemas") or {}
    nschemas = (new.get("components") or {}).get("schemas") or {}
    for name in sorted(oschemas.keys() - nschemas.keys(), key=str):
        d.add("schema-removed", str(name), "component schema removed (its model class goes away)", True)
    for name in sorted(nschemas.keys() - oschemas.keys(), key=str):
        d.add("schema-added", str(name), "component schema added", False)
    return d.changes


def summary_line(changes: list[Change]) -> str:
    breaking = sum(c.breaking for c in changes)
    return f"{breaking} breaking, {len(changes) - breaking} non-breaking changes"


def render_text(changes: list[Change], old_name: str = "old", new_name: str = "new") -> str:
    lines = [f"OpenAPI diff: {old_name} -> {new_name}", ""]
    groups: dict[str, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.operation, []).append(change)
    for group, items in groups.items():
        lines.append(group)
        lines.extend(f"  {c.line()}" for c in sorted(items, key=lambda c: not c.breaking))
        lines.append("")
    if not changes:
        lines.extend(["No changes.", ""])
    return "\n".join([*lines, summary_line(changes)])


def render_json(changes: list[Change], old_name: str = "old", new_name: str = "new") -> str:
    breaking = sum(c.breaking for c in changes)
    counts = {"breaking": breaking, "non_breaking": len(changes) - breaking, "summary": summary_line(changes)}
    report = {"old": old_name, "new": new_name, **counts, "changes": [asdict(c) for c in changes]}
    return json.dumps(report, indent=2)


def load_spec_at_ref(ref: str, path: Path) -> Json:
    """The spec as committed at `ref` (`git show REF:./FILE`, run in the file's directory)."""
    if ref.startswith("-"):
        raise SpecError(f"invalid git ref {ref!r}")
    cmd = ["git", "-C", str(path.resolve().parent), "show", f"{ref}:./{path.name}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SpecError(f"git show {ref}:{path} failed: {proc.stderr.strip()}")
    return load_spec(Path(f"{ref}:{path}"), proc.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("specs", nargs="*", metavar="SPEC", help="OLD NEW, or with --base-ref: [NEW]")
    ap.add_argument("--base-ref", help="compare the spec as committed at this git ref with the working tree")
    ap.add_argument("--format", choices=("text", "json"), default="text")
    ap.add_argument("--fail-on-breaking", action="store_true", help="exit 1 when a breaking change is found")
    args = ap.parse_args(argv)
    if args.base_ref is not None and len(args.specs) > 1:
        ap.error("with --base-ref give at most one spec (the working-tree file)")
    if args.base_ref is None and len(args.specs) != 2:
        ap.error("expected OLD NEW (or --base-ref REF [NEW])")
    new_path = Path(args.specs[-1] if args.specs else "openapi/onstage.yaml")
    try:
        if args.base_ref is not None:
            old, old_name = load_spec_at_ref(args.base_ref, new_path), f"{args.base_ref}:{new_path}"
        else:
            old, old_name = load_spec(Path(args.specs[0])), args.specs[0]
        new = load_spec(new_path)
    except (OSError, yaml.YAMLError, SpecError) as exc:
        print(f"spec_diff: {exc}", file=sys.stderr)
        return 2
    changes = diff_specs(old, new)
    render = render_json if args.format == "json" else render_text
    print(render(changes, old_name, str(new_path)))
    return 1 if args.fail_on_breaking and any(c.breaking for c in changes) else 0


if __name__ == "__main__":
    sys.exit(main())
