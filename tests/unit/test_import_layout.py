"""The import graph of ``src/onstage`` (runtime, facade, generated code, webhooks, sandbox) has no
cycle, type-checking-only and function-level imports included."""

from __future__ import annotations

from pathlib import Path

import onstage
from tests import _import_graph as import_graph

ROOT = Path(onstage.__file__).parent


def test_onstage_import_graph_has_no_cycles() -> None:
    graph = import_graph.graph(ROOT, "onstage")
    assert len(graph) > 100 and graph["onstage.realtimekit._client"], "the graph sees the package"
    assert import_graph.cycles(graph) == []


def test_cycle_detection_works() -> None:
    assert import_graph.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_relative_imports_resolve(tmp_path: Path) -> None:
    pkg = tmp_path / "p"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .sub import leaf\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "leaf.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .. import top\n"
    )
    (pkg / "top.py").write_text("def f():\n    from .sub import leaf\n")
    graph = import_graph.graph(pkg, "p")
    assert graph["p.sub.leaf"] == {"p.top"}
    assert graph["p.top"] == {"p.sub", "p.sub.leaf"}
    assert import_graph.cycles(graph) == [["p.sub.leaf", "p.top"]]
