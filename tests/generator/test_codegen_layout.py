"""The tools in scripts/ stay a package without import cycles (type-checking-only imports count)
and nobody edits ``sys.path`` to import them: the tests import ``scripts.…`` through pytest's
``pythonpath``, the Makefile runs ``python -m scripts.<tool>``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from scripts.codegen import patches
from tests import _import_graph as import_graph

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"


MODULES = import_graph.modules(SCRIPTS, "scripts")


def test_scripts_import_graph_has_no_cycles() -> None:
    graph = import_graph.graph(SCRIPTS, "scripts")
    assert graph["scripts.codegen.pipeline"], "the graph sees the package's imports"
    assert import_graph.cycles(graph) == []


def _sys_path_edits(tree: ast.AST) -> list[int]:
    """Lines that change ``sys.path`` in code (strings that hold code for a child interpreter are
    not code here)."""
    lines = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value  # sys.path.insert(...), .append, .extend, .remove
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                target = t.value if isinstance(t, ast.Subscript) else t  # sys.path[:] = …, sys.path += …
        if (
            isinstance(target, ast.Attribute)
            and target.attr == "path"
            and isinstance(target.value, ast.Name)
            and target.value.id == "sys"
        ):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("folder", ["scripts", "tests"])
def test_no_sys_path_edits(folder: str) -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "golden" not in path.parts
        for line in _sys_path_edits(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_sys_path_edit_detection_works() -> None:
    code = (
        "import sys\nsys.path.insert(0, 'x')\nsys.path[:] = []\nsys.path += ['y']\ns = 'sys.path.append(1)'\n"
    )
    assert sorted(_sys_path_edits(ast.parse(code))) == [2, 3, 4]


def test_no_imports_by_script_file_name() -> None:
    """``from _codegen import …`` only works with scripts/ on sys.path: import ``scripts.…``."""
    bare = {p.stem for p in SCRIPTS.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in SCRIPTS.iterdir() if (p / "__init__.py").exists()
    }
    offenders = []
    for folder in ("scripts", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and not node.level
                    else []
                )
                offenders += [
                    f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names if n.split(".")[0] in bare
                ]
    assert offenders == []


def test_every_module_says_why() -> None:
    assert [
        name for name, path in MODULES.items() if not ast.get_docstring(ast.parse(path.read_text()))
    ] == []


def test_every_patch_is_named_and_says_why() -> None:
    names = [p.__name__ for p in patches.PATCHES]
    assert len(set(patches.PATCHES)) == len(patches.PATCHES)  # none listed (and run) twice
    assert {"success_only", "unwrap_envelope", "strip_prefix", "uuid_as_str"} <= set(names)
    assert all(patches.why(p) for p in patches.PATCHES)
