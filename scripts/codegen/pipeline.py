"""The generation run, step by step (load, split and patch, parse, context, render, lock), and the
check that the committed tree is what a run produces. The one module that wires the steps together.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

from onstage._apis import APIS
from scripts.codegen import patches, render, unasync
from scripts.codegen.context import facade_context
from scripts.codegen.parse import parse
from scripts.codegen.paths import OUT, PACKAGE, ROOT, SPEC, TEMPLATES
from scripts.codegen.secret_marks import secret_fields, secret_params
from scripts.codegen.spec import load_spec

__all__ = ["ApiFacts", "check", "generate", "tree"]


class ApiFacts(Protocol):
    """What the generator reads of an API beyond the spec: ``onstage._apis.Api`` has it (the tiny
    golden test passes a stand-in)."""

    @property
    def envelope(self) -> str | None: ...

    @property
    def bound_names(self) -> tuple[str, ...]: ...


def generate(
    out: Path = OUT,
    *,
    spec_path: Path = SPEC,
    apis: Mapping[str, ApiFacts] = APIS,
    twins: bool = True,
) -> dict[str, Any]:
    """Wipe ``out`` and generate every API of ``apis`` into it, with the runtime's synchronous twins
    unless ``twins`` is false (the tiny golden spec tests the templates only); returns the lock."""
    spec = dict(load_spec(spec_path))
    # Built beside ``out`` and swapped in at the end: a run that fails leaves the old tree whole
    # (the generator imports onstage, which needs its generated ``_secrets``).
    final, out = out, out.with_name(out.name + ".new")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    env = render.environment()
    fields = secret_fields(spec)
    changed: dict[str, dict[str, patches.Counts]] = {p.__name__: {} for p in patches.PATCHES}
    for name, api in apis.items():
        doc = patches.split_api(spec, name)
        for patch, counts in patches.apply_patches(doc, patches.PatchInput(spec, name, api.envelope)).items():
            changed[patch][name] = counts
        data = parse(doc, name, out)
        ctx = facade_context(spec, name, data, api.bound_names)
        render.write_api(env, out, name, data, ctx, fields)
    render.write_secrets(env, out, fields, secret_params(spec))
    if twins:
        unasync.write_twins(PACKAGE, out)
    render.finish(out)
    lock = {
        "generator": "openapi-python-client",
        "generator_version": version("openapi-python-client"),
        "formatter": "ruff",
        "formatter_version": version("ruff"),
        "spec": spec_path.resolve().relative_to(ROOT).as_posix(),
        "spec_sha256": hashlib.sha256(spec_path.read_bytes()).hexdigest(),
        "templates_sha256": _tree_hash(TEMPLATES),
        # In the order they ran: name, why (the function's docstring), what it changed per API.
        "patches": [
            {"name": p.__name__, "why": patches.why(p), "changed": changed[p.__name__]}
            for p in patches.PATCHES
        ],
    }
    if twins:  # the rewrite table of the synchronous twins, each rule with its reason
        lock["unasync"] = [
            {"pattern": r.pattern.pattern, "replacement": r.replacement, "why": r.why} for r in unasync.RULES
        ]
        lock["unasync_primitives"] = list(unasync.PRIMITIVES)
    (out / "_lock.json").write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n")
    if final.exists():
        shutil.rmtree(final)
    out.rename(final)
    return lock


def _tree_hash(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative POSIX path, with its bytes (bytecode caches left out)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.relative_to(root).parts
    }


def check(committed_root: Path = OUT) -> int:
    """Regenerate into a temp dir and print a readable diff against ``committed_root``; 1 when they
    differ (someone edited generated code, or forgot to regenerate), else 0."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh_root = Path(tmp) / "_generated"
        generate(fresh_root)
        fresh, committed = tree(fresh_root), tree(committed_root) if committed_root.exists() else {}
    problems = 0
    for name in sorted(set(fresh) | set(committed)):
        old, new = committed.get(name), fresh.get(name)
        if old == new:
            continue
        problems += 1
        if old is None:
            print(f"missing from the committed tree: {name}")
        elif new is None:
            print(f"committed but no longer generated: {name}")
        else:
            diff = difflib.unified_diff(
                old.decode().splitlines(),
                new.decode().splitlines(),
                f"committed/{name}",
                f"regenerated/{name}",
                lineterm="",
                n=2,
            )
            lines = list(diff)
            print(
                "\n".join(lines[:80]) + (f"\n... ({len(lines) - 80} more lines)" if len(lines) > 80 else "")
            )
    if problems:
        print(f"\n{problems} generated file(s) differ from openapi/onstage.yaml + generator-templates/.")
        print("Run `make generate` and commit the result (never edit src/onstage/_generated by hand).")
        return 1
    print(f"generated code matches the spec ({len(fresh)} files)")
    return 0
