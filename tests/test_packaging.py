"""The wheel users install carries what the package needs at run time (the sandbox's spec, py.typed,
the generated layer) and nothing of the repository besides."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        timeout=300,
    )
    (path,) = out.glob("onstage-*.whl")
    return path


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "onstage/py.typed" in names
    assert "onstage/_generated/_lock.json" in names
    assert "onstage/testing/onstage.yaml" in names
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "openapi/", "benchmarks/"))]
    spec = zipfile.ZipFile(wheel).read("onstage/testing/onstage.yaml")
    assert spec == (ROOT / "openapi" / "onstage.yaml").read_bytes()


def test_installed_sandbox_finds_its_spec(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import onstage; from onstage.testing._spec import find_spec_file;"
        "assert onstage.__file__.startswith(sys.argv[1]), onstage.__file__;"
        "print(find_spec_file())"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert Path(done.stdout.strip()) == tmp_path / "onstage" / "testing" / "onstage.yaml"
