"""How much of the public surface is documented: the share of public resource methods whose every
parameter has a description in the docstring's ``Args:`` section.

    python -m scripts.doc_coverage [--require PERCENT]

Counted over the code users call: the generated resources of both flavours (``_generated/<api>/
resources``, ``sync_resources``) and the hand-written classes that extend a resource (``LiveStreams``
and its sync twin). A parameter counts as described when ``Args:`` has an entry for it whose text is
not the generator's placeholder for a parameter the spec does not describe. ``make docs`` prints it.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from scripts import fidelity
from scripts.codegen.docs import MISSING

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "onstage"

__all__ = ["Coverage", "main", "measure"]

_ENTRY = re.compile(r"^(\s*)(\*{0,2}\w+)(?: \([^)]*\))?:\s*(.*)$")


@dataclass
class Coverage:
    methods: int = 0
    complete: int = 0
    params: int = 0
    described: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return 100.0 * self.complete / self.methods if self.methods else 100.0


def args_section(doc: str) -> dict[str, str]:
    """``name -> text`` of a Google-style docstring's ``Args:`` entries (continuations joined)."""
    out: dict[str, str] = {}
    lines = doc.expandtabs().splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Args:")
    except StopIteration:
        return out
    base = len(lines[start]) - len(lines[start].lstrip())
    current: str | None = None
    entry_indent = None
    for line in lines[start + 1 :]:
        if not line.strip():
            current = None
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= base:
            break
        match = _ENTRY.match(line)
        if match and (entry_indent is None or indent == entry_indent):
            entry_indent = indent
            current = match.group(2).lstrip("*")
            out[current] = match.group(3).strip()
        elif current is not None:
            out[current] += " " + line.strip()
    return out


def _is_resource(node: ast.ClassDef) -> bool:
    names = [node.name, *(b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases)]
    return any(n.endswith("Resource") for n in names) and not node.name.endswith("WithRawResponse")


def _modules() -> list[Path]:
    generated = [
        *sorted(SOURCE.glob("_generated/*/resources/*.py")),
        *sorted(SOURCE.glob("_generated/*/sync_resources/*.py")),
    ]
    handwritten = [p for p in sorted(SOURCE.rglob("*.py")) if "testing" not in p.parts and p not in generated]
    return generated + handwritten


def measure(modules: list[Path] | None = None) -> Coverage:
    cov = Coverage()
    for path in modules or _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (n for n in tree.body if isinstance(n, ast.ClassDef) and _is_resource(n)):
            for fn in cls.body:
                if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) or fn.name.startswith("_"):
                    continue
                if any(isinstance(d, ast.Name) and d.id == "property" for d in fn.decorator_list):
                    continue
                a = fn.args
                params = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs) if p.arg != "self"]
                documented = args_section(ast.get_docstring(fn) or "")
                missing = [p for p in params if not documented.get(p) or documented[p].startswith(MISSING)]
                cov.methods += 1
                cov.params += len(params)
                cov.described += len(params) - len(missing)
                if missing:
                    rel = path.relative_to(SOURCE) if path.is_relative_to(SOURCE) else path
                    cov.missing.append(f"{rel}: {cls.name}.{fn.name}({', '.join(missing)})")
                else:
                    cov.complete += 1
    return cov


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--require", type=float, default=None, help="fail below this percentage")
    args = parser.parse_args(argv)
    cov = measure()
    print(
        f"documented: {cov.complete} of {cov.methods} public resource methods ({cov.share:.1f}%) describe "
        f"every parameter; {cov.described} of {cov.params} parameters described"
    )
    inferred = sum(len(r.inferred_operations) + len(r.inferred_fields) for r in fidelity.measure())
    print(f"inferred: {inferred} descriptions in the spec rest on inference (make fidelity lists them)")
    for line in cov.missing[:20]:
        print(f"  not described: {line}")
    if len(cov.missing) > 20:
        print(f"  … and {len(cov.missing) - 20} more methods")
    if args.require is not None and cov.share < args.require:
        print(f"below the required {args.require:g}%", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
