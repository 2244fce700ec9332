"""The committed generated tree: every module imports, type-checks (non-strict) and only uses
relative imports inside onstage (vendorable)."""

from __future__ import annotations

import hashlib
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts._vendor_rewrite import absolute_references

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / "src" / "onstage" / "_generated"

MODULES = sorted(
    ".".join(("onstage", "_generated", *p.relative_to(GEN).with_suffix("").parts)).removesuffix(".__init__")
    for p in GEN.rglob("*.py")
)


@pytest.mark.parametrize("module", MODULES)
def test_every_generated_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_only_relative_imports_of_onstage() -> None:
    src = ROOT / "src" / "onstage"
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for path in src.rglob("*.py")
        for line, what in absolute_references(path.read_text(encoding="utf-8"), str(path))
    ]
    assert offenders == []


def test_banner_and_lock() -> None:
    for path in GEN.rglob("*.py"):
        assert path.read_text().startswith("# DO NOT EDIT."), path
    lock = json.loads((GEN / "_lock.json").read_text())
    assert lock["generator"] == "openapi-python-client"
    assert lock["generator_version"] == "0.29.1"
    assert lock["spec_sha256"] == hashlib.sha256((ROOT / "openapi" / "onstage.yaml").read_bytes()).hexdigest()


def test_generated_code_type_checks_non_strict() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "tests" / "generator" / "mypy-generated.ini"),
            str(GEN),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
