"""The README's Python examples stay valid Python that uses only names onstage exports."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 4


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_block_compiles_and_its_onstage_imports_exist(block: str) -> None:
    # Blocks may use top-level ``await``/``async for`` (they are excerpts from async code).
    tree = compile(block, "README.md", "exec", flags=ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "onstage":
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name), f"README imports {node.module}.{alias.name}"


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


@pytest.mark.anyio
async def test_sandbox_example_runs() -> None:
    """The "Testing your app with the sandbox" example is a real test: run it."""
    (block,) = re.findall(
        r"```python\n(.*?)```", _section("Testing your app with the sandbox"), flags=re.DOTALL
    )
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    await namespace["test_standup"]()  # type: ignore[operator]


def test_sync_sandbox_example_runs() -> None:
    """The synchronous testing example is a real test too: run it, with no event loop of ours."""
    blocks = re.findall(
        r"```python\n(.*?)```", _section("Synchronous code: Django, Flask, Celery, scripts"), flags=re.DOTALL
    )
    (block,) = [b for b in blocks if "start_in_thread" in b]
    namespace: dict[str, object] = {}
    exec(compile(block, "README.md", "exec"), namespace)
    namespace["test_standup_sync"]()  # type: ignore[operator]
