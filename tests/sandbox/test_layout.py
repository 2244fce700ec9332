"""The sandbox's layout holds: no import cycles (type-checking-only imports included), an engine that
knows no API by name, one operation table per API, and a typed ``Control`` method for every action."""

from __future__ import annotations

import inspect
from pathlib import Path

import onstage.testing
from onstage._apis import API_NAMES
from onstage.testing import Control
from onstage.testing._services import SERVICES
from tests import _import_graph as import_graph

ROOT = Path(onstage.testing.__file__).parent
PACKAGE = "onstage.testing"


MODULES = import_graph.modules(ROOT, PACKAGE)
GRAPH = import_graph.graph(ROOT, PACKAGE)


def test_no_import_cycles() -> None:
    assert len(GRAPH) > 40
    assert import_graph.cycles(GRAPH) == []


def test_the_engine_knows_no_api() -> None:
    engine = {n: p for n, p in MODULES.items() if n.startswith(f"{PACKAGE}._engine")}
    packages = {f"{PACKAGE}.{api}" for api in API_NAMES}
    for name, path in engine.items():
        imported = {m for m in import_graph.imports(name, path, MODULES) if m.startswith(PACKAGE)}
        assert not {m for m in imported if any(m == p or m.startswith(p + ".") for p in packages)}, name
        assert not {m for m in imported if not m.startswith(f"{PACKAGE}._engine")}, name
        for api in API_NAMES:
            assert api not in path.read_text(encoding="utf-8").lower(), (name, api)


def test_one_folder_and_one_table_per_api() -> None:
    assert [s.name for s in SERVICES] == list(API_NAMES)
    for service in SERVICES:
        folder = ROOT / service.name
        assert (folder / "handlers.py").is_file()
        assert service.handlers is __import__(f"{PACKAGE}.{service.name}.handlers", fromlist=["x"]).HANDLERS
    # only the registry (and the Sandbox and CLI that configure each API, and the typed control
    # actions that call each API's) import the API packages
    users = {
        name
        for name in GRAPH
        if not any(name == f"{PACKAGE}.{api}" or name.startswith(f"{PACKAGE}.{api}.") for api in API_NAMES)
        and any(m.split(".")[2] in API_NAMES for m in GRAPH[name] if m.count(".") >= 2)
    }
    assert users == {
        f"{PACKAGE}._services",
        f"{PACKAGE}.sandbox",
        f"{PACKAGE}.__main__",
        f"{PACKAGE}._control",
    }
    # no API imports another's modules
    for name, deps in GRAPH.items():
        parts = name.split(".")
        if len(parts) > 2 and parts[2] in API_NAMES:
            others = {m.split(".")[2] for m in deps if m.count(".") >= 2 and m.split(".")[2] in API_NAMES}
            assert others <= {parts[2]}, name


def test_every_action_has_a_typed_control_method() -> None:
    for service in SERVICES:
        for action, function in service.actions.items():
            method = getattr(Control, action)
            wanted = list(inspect.signature(function).parameters)[1:]  # less the world
            assert list(inspect.signature(method).parameters)[1:] == wanted, action
