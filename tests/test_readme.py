"""The README's Python examples use only names onstage exports, and ``tests/docs`` type-checks every one
of them with ``mypy --strict`` and runs them against the sandbox (with the guides' examples; a block marked
no-run is only type-checked)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from tests.docs.blocks import EXAMPLES

README_PATH = Path(__file__).resolve().parents[1] / "README.md"
README = README_PATH.read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 4


def test_every_readme_block_is_run_by_the_docs_suite() -> None:
    """tests/docs type-checks exactly these blocks, and runs those not marked no-run: none escapes by its
    formatting."""
    ours = [
        block.code.strip() for example in EXAMPLES if example.path == README_PATH for block in example.blocks
    ]
    assert ours == [block.strip() for block in BLOCKS]


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


def test_readme_keeps_its_sync_section_and_points_to_the_site() -> None:
    sync = _section("Synchronous code: Django, Flask, Celery, scripts")
    assert "from onstage.sync import" in sync and "start_in_thread" in sync
    assert "make docs" in README


def test_readme_links_to_files_that_exist() -> None:
    """Relative links (the guides under docs/, examples/…) point at files of the repository."""
    targets = re.findall(r"\]\((?!https?://|#)([^)#\s]+)(?:#[^)]*)?\)", README)
    assert targets
    missing = [t for t in targets if not (README_PATH.parent / t).exists()]
    assert not missing, missing
