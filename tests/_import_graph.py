"""The import graph of a package read from its source (no import runs), for the layout tests: every
``import`` counts, those in functions and in ``if TYPE_CHECKING:`` blocks included, because a cycle of
names is a cycle for a reader and for a type checker even when it is not one at run time."""

from __future__ import annotations

import ast
from importlib.util import resolve_name
from pathlib import Path


def modules(folder: Path, package: str) -> dict[str, Path]:
    """Module name → file, for every ``.py`` below ``folder`` (the directory of ``package``)."""
    out: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        parts = path.relative_to(folder).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join((package, *parts))] = path
    return out


def imports(name: str, path: Path, known: set[str] | dict[str, Path]) -> set[str]:
    """The modules of ``known`` that module ``name`` (at ``path``) imports, with the packages that
    importing them initialises (less ``name``'s own parents, which run before it whatever it
    imports); ``from . import x`` counts as importing the submodule ``x``, ``from . import y`` of a
    name ``y`` as importing the package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_name("." * node.level + (node.module or ""), package)
            submodules = {f"{base}.{alias.name}" for alias in node.names} & set(known)
            targets.update(submodules or {base})
    parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    found = {t for t in targets if t in known}
    for target in targets:
        parts = target.split(".")
        found.update(p for p in (".".join(parts[:i]) for i in range(1, len(parts))) if p in known)
    found -= parents - targets
    found.discard(name)
    return found


def graph(folder: Path, package: str) -> dict[str, set[str]]:
    """Module → the package's modules it imports."""
    mods = modules(folder, package)
    return {name: imports(name, path, mods) for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(out)
