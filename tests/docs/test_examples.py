"""Every Python block of README.md and docs/ runs against the sandbox (``test_example_runs``) and
passes ``mypy --strict`` (``test_examples_typecheck``). See ``tests/docs/blocks.py`` for the marks.

An example runs as a script would (``__name__ == "__main__"``): with top-level ``await`` it runs in
an event loop, otherwise plainly. Then each ``test_*`` function it defines is called, as pytest
would, with the fixtures it names (an ``async def`` one in an event loop). Clients it leaves open
are closed afterwards. An example that defines its own pytest fixtures (a ``conftest.py`` excerpt)
is a test module: pytest runs it, in a child process.
"""

from __future__ import annotations

import ast
import functools
import gc
import inspect
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import anyio
import pytest
from mypy import api as mypy_api

import onstage
from onstage._client_base import BaseClient
from onstage._generated._sync._client_base import SyncBaseClient
from onstage.testing import ThreadedSandbox

from .blocks import EXAMPLES, ROOT, Example

RUNNABLE = [e for e in EXAMPLES if e.runs]


#: Pages that teach by example (vendoring and changing the spec are shell and YAML).
WITH_EXAMPLES = (
    "README.md",
    "docs/index.md",
    "docs/per-call-options.md",
    "docs/quickstart/realtimekit.md",
    "docs/quickstart/tpstreams.md",
    "docs/quickstart/webinar.md",
    "docs/guides/errors-and-retries.md",
    "docs/guides/pagination.md",
    "docs/guides/webhooks.md",
    "docs/guides/testing.md",
    "docs/guides/sync.md",
)


def test_the_docs_have_examples() -> None:
    """``test_example_runs`` has examples to run, from every page that teaches by example."""
    assert len(RUNNABLE) >= 30
    assert {e.path for e in RUNNABLE} >= {ROOT / page for page in WITH_EXAMPLES}


def _call(fn: Any, request: pytest.FixtureRequest) -> None:
    kwargs = {name: request.getfixturevalue(name) for name in inspect.signature(fn).parameters}
    if inspect.iscoroutinefunction(fn):
        marks = {mark.name for mark in getattr(fn, "pytestmark", [])}
        assert "anyio" in marks, f"{fn.__name__} is async: it needs @pytest.mark.anyio to run under pytest"
        anyio.run(functools.partial(fn, **kwargs))
    else:
        fn(**kwargs)


async def _aclose_leftovers(namespace: dict[str, Any]) -> None:
    """Close the async clients an example left open, in the event loop that used them."""
    for value in list(namespace.values()):
        if isinstance(value, BaseClient):
            await value.aclose()


def _close_leftovers(namespace: dict[str, Any]) -> None:
    stranded = False
    for value in list(namespace.values()):
        if isinstance(value, SyncBaseClient):
            value.close()
        elif isinstance(value, BaseClient):
            try:
                anyio.run(value.aclose)
            except (onstage.ConfigurationError, RuntimeError):
                # Bound to an event loop that has ended: the sync guide reuses an async client across
                # two asyncio.run() calls to show the error onstage raises. Its connection belongs to
                # the dead loop and can only be dropped; do it here, where that is expected.
                stranded = True
    if stranded:
        namespace.clear()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


def _defines_fixtures(example: Example) -> bool:
    def is_fixture(decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        named = isinstance(target, ast.Attribute | ast.Name)
        return named and ast.unparse(target) in ("pytest.fixture", "fixture")

    return any(
        isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(map(is_fixture, node.decorator_list))
        for node in ast.walk(ast.parse(example.run_source))
    )


def _run_under_pytest(example: Example, where: Path) -> None:
    module = where / "test_docs_example.py"
    module.write_text(example.run_source, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            "--rootdir",
            str(where),
            str(module),
        ],
        cwd=where,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"pytest on {example.id}:\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("example", RUNNABLE, ids=[e.id for e in RUNNABLE])
def test_example_runs(
    example: Example, docs_sandbox: ThreadedSandbox, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if _defines_fixtures(example):
        _run_under_pytest(example, tmp_path)
        return
    namespace: dict[str, Any] = {"__name__": "__main__", "__file__": str(example.path)}
    code = example.compile()
    try:
        if code.co_flags & inspect.CO_COROUTINE:

            async def run() -> None:
                try:
                    await eval(code, namespace)
                finally:
                    await _aclose_leftovers(namespace)

            anyio.run(run)
        else:
            exec(code, namespace)
        tests = [
            fn
            for name, fn in namespace.items()
            if name.startswith("test") and inspect.isfunction(fn) and fn.__globals__ is namespace
        ]
        for fn in tests:
            _call(fn, request)
    finally:
        _close_leftovers(namespace)


# -- mypy --strict ----------------------------------------------------------------------------------
_WRAPPER = "async def _example() -> None:  # the example's top-level await, as a type checker sees it"


def typed_module(example: Example) -> str:
    """The example as a module mypy can check, each code line on its Markdown line number: an example
    with top-level ``await`` becomes the body of an ``async def`` (whose header takes the fence's
    line)."""
    source = example.source
    if not example.is_async:
        return source
    lines = source.splitlines()
    header = example.first_line - 2  # the fence line, 0-based
    body = [("    " + line) if line.strip() else line for line in lines]
    body[header] = _WRAPPER
    return "\n".join(body) + "\n"


def test_examples_typecheck(tmp_path: Path) -> None:
    """One mypy run over every example (no-run ones included), with the project's mypy settings."""
    modules: dict[str, Example] = {}
    for index, example in enumerate(EXAMPLES):
        stem = re.sub(r"\W", "_", example.path.relative_to(ROOT).with_suffix("").as_posix()).lower()
        name = f"ex_{index:03d}_{stem}_{example.first_line}"
        (tmp_path / f"{name}.py").write_text(typed_module(example), encoding="utf-8")
        modules[name] = example
    stdout, stderr, status = mypy_api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--strict",
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-color-output",
            *(str(tmp_path / f"{name}.py") for name in modules),
        ]
    )
    # Name each error by its document: "README.md:123: error: ..." (the line numbers already match).
    readable = re.sub(
        r"^.*?(ex_\d{3}_\w+)\.py:",
        lambda m: f"{modules[m[1]].path.relative_to(ROOT).as_posix()}:",
        stdout,
        flags=re.MULTILINE,
    )
    assert status == 0, f"mypy --strict on the documentation's examples:\n{readable}{stderr}"
