"""The documentation site builds in strict mode (a broken link, anchor or API reference fails), and
its API reference covers every generated resource and models module."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from onstage._apis import API_NAMES
from scripts.codegen.docs import PER_CALL
from scripts.docs_hooks import FIDELITY
from scripts.fidelity import measure

from .blocks import ROOT

REFERENCE = ROOT / "docs" / "reference"
GENERATED = ROOT / "src" / "onstage" / "_generated"
#: The per-call options the generator gives every method.
PER_CALL_OPTIONS = tuple(name for name, *_ in PER_CALL)


def _documented(page: Path) -> set[str]:
    return set(re.findall(r"^::: (\S+)", page.read_text(encoding="utf-8"), flags=re.MULTILINE))


def _modules(api: str, folder: str) -> set[str]:
    modules = {
        f"onstage._generated.{api}.{folder}.{path.stem}"
        for path in (GENERATED / api / folder).glob("*.py")
        if path.stem != "__init__"
    }
    assert modules, f"no modules in {GENERATED / api / folder}"
    return modules


@pytest.mark.parametrize("api", API_NAMES)
def test_reference_covers_every_resource_module(api: str) -> None:
    """A resource the generator adds must get a section (edit docs/reference/<api>/resources.md and
    docs/reference/sync-resources.md)."""
    assert _documented(REFERENCE / api / "resources.md") == _modules(api, "resources")
    prefix = f"onstage._generated.{api}."
    sync = {m for m in _documented(REFERENCE / "sync-resources.md") if m.startswith(prefix)}
    assert sync == _modules(api, "sync_resources")
    assert _documented(REFERENCE / api / "models.md") == {f"onstage._generated.{api}.models"}


def test_per_call_options_page_has_an_anchor_per_option() -> None:
    """Every option the generator gives the methods has its section (guides link to ``#<option>``)."""
    text = (ROOT / "docs" / "per-call-options.md").read_text(encoding="utf-8")
    for option in PER_CALL_OPTIONS:
        assert f"{{#{option}}}" in text, option


def test_site_builds_in_strict_mode(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(ROOT / "mkdocs.yml"),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}"
    print(f"mkdocs build --strict: {elapsed:.1f} s")
    site = tmp_path / "site"
    for page in ("index.html", "per-call-options/index.html", "reference/realtimekit/resources/index.html"):
        assert (site / page).is_file(), page
    # the inferences the spec marks are listed on the site, computed from the spec at build time
    fidelity = (site / "fidelity" / "index.html").read_text(encoding="utf-8")
    assert FIDELITY not in fidelity
    for report in measure():
        assert f"<td>{report.api}</td>" in fidelity
        for where, _reason in [*report.inferred_operations, *report.inferred_fields]:
            assert html.escape(" ".join(where.split()), quote=False) in fidelity, where
    options = (site / "per-call-options" / "index.html").read_text(encoding="utf-8")
    for option in PER_CALL_OPTIONS:
        assert f'id="{option}"' in options, option
    clients = (site / "reference" / "clients" / "index.html").read_text(encoding="utf-8")
    assert 'id="onstage.RealtimeKit"' in clients
