"""Tests for scripts/vendor.py: the vendored copy runs without onstage, records where it came from,
and a re-vendor never silently overwrites local edits."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scripts.vendor import VendorError, absolute_references, main, read_manifest, rewrite_source

ROOT = Path(__file__).resolve().parents[2]

PACKAGE = "acme_video"

# Run in a child interpreter: the repository is installed editable into .venv, so its path entry is
# dropped and a finder makes any import of the original package fail loudly (and records the attempt).
CHILD_PRELUDE = """
import importlib.abc, importlib.util, sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if not (Path(p or ".") / "onstage" / "__init__.py").exists()]
sys.path.insert(0, sys.argv[1])
assert importlib.util.find_spec("onstage") is None, "the original onstage is still importable"
ATTEMPTS = []


class Guard(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "onstage" or name.startswith("onstage."):
            ATTEMPTS.append(name)
            raise ImportError(f"the original onstage must not be imported: {name}")
        return None


sys.meta_path.insert(0, Guard())
"""

CHILD_SANDBOX = """
import anyio
import acme_video
from acme_video.testing import Sandbox
from acme_video.testing._spec import find_spec_file

assert acme_video.__file__.startswith(sys.argv[1]), acme_video.__file__
assert find_spec_file() == Path(sys.argv[1]) / "acme_video" / "testing" / "onstage.yaml", find_spec_file()


async def run():
    async with Sandbox() as sb:
        rtk = sb.realtimekit()
        created = await rtk.meetings.create(title="x")
        got = await rtk.meetings.get(created.id)
        assert got.id == created.id and got.title == "x", got
        assert type(got).__module__.startswith("acme_video."), type(got).__module__
        try:
            await rtk.meetings.get("missing-meeting")
        except acme_video.NotFoundError as exc:
            assert exc.status_code == 404
        else:
            raise AssertionError("no NotFoundError")


anyio.run(run)
leaked = sorted(m for m in sys.modules if m == "onstage" or m.startswith("onstage."))
assert not leaked and not ATTEMPTS, (leaked, ATTEMPTS)
print("VENDORED-SANDBOX-OK")
"""


def child(code: str, project: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"}  # no ONSTAGE_SANDBOX_SPEC
    return subprocess.run(
        [sys.executable, "-I", "-c", CHILD_PRELUDE + code, str(project)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
        cwd=project,
    )


def vendor_cli(into: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.vendor", "--into", str(into), "--package", PACKAGE, *flags],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def vendored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``<project>/vendor/acme_video`` vendored with the sandbox, through the command line."""
    into = tmp_path_factory.mktemp("project") / "vendor"
    done = vendor_cli(into, "--with-testing")
    assert done.returncode == 0, done.stderr
    assert f"vendored onstage into {into / PACKAGE}" in done.stdout
    return into


# -- the vendored copy ----------------------------------------------------------------------------
def test_vendored_sandbox_runs_without_onstage(vendored: Path) -> None:
    done = child(CHILD_SANDBOX, vendored)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VENDORED-SANDBOX-OK" in done.stdout


def test_layout_skips_bytecode_and_copies_the_spec(vendored: Path) -> None:
    pkg = vendored / PACKAGE
    for sub in (
        "__init__.py",
        "py.typed",
        "_generated/_lock.json",
        "webhooks/__init__.py",
        "testing/_spec.py",
    ):
        assert (pkg / sub).is_file(), sub
    assert (pkg / "testing" / "onstage.yaml").read_bytes() == (ROOT / "openapi" / "onstage.yaml").read_bytes()
    manifest = read_manifest(pkg)
    assert manifest is not None
    assert not [p for p in manifest if "__pycache__" in p or p.endswith(".pyc")]
    assert sorted(p.name for p in vendored.iterdir()) == [PACKAGE]  # no staging directories left


def test_vendored_md_records_provenance_and_manifest(vendored: Path) -> None:
    pkg = vendored / PACKAGE
    text = (pkg / "VENDORED.md").read_text()
    version = re.search(r'"([^"]+)"', (ROOT / "src" / "onstage" / "_version.py").read_text())
    assert version is not None
    assert f"- onstage version: {version.group(1)}\n" in text
    assert f"sha256 {sha256(ROOT / 'openapi' / 'onstage.yaml')}" in text
    lock = json.loads((ROOT / "src" / "onstage" / "_generated" / "_lock.json").read_text())
    assert f"- generator: openapi-python-client {lock['generator_version']}\n" in text
    assert f"openapi-python-client=={lock['generator_version']}" in (ROOT / "pyproject.toml").read_text()
    assert re.search(r"- source commit: [0-9a-f]{40}", text)
    assert f"--package {PACKAGE} --with-testing" in text
    assert "make vendor INTO=" in text and "TESTING=1" in text
    manifest = read_manifest(pkg)
    assert manifest is not None
    on_disk = {
        p.relative_to(pkg).as_posix(): sha256(p)
        for p in pkg.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.name != "VENDORED.md"
    }
    assert manifest == on_disk


# -- import rewriting ----------------------------------------------------------------------------
SOURCE = textwrap.dedent(
    '''\
    """Docs keep saying onstage: import onstage; from onstage import RealtimeKit."""
    import importlib
    import logging
    import onstage
    import os, onstage.realtimekit as rk
    from onstage import RealtimeKit
    from onstage.webhooks import (
        verify,  # onstage stays in comments
    )
    from . import sibling
    from .onstage import thing
    import onstagex
    x = "é"; from onstage._log import logger
    from \\
        onstage.testing import Sandbox
    if TYPE_CHECKING:
        import onstage.testing
    def f():
        try:
            import onstage . tpstreams
        except ImportError:
            pass
        return importlib.import_module("onstage.webinar"), importlib.import_module(".x", package='onstage')
    log = logging.getLogger("onstage")
    child = logging.getLogger("onstage.testing")
    label = "onstage sandbox"
    '''
)


def test_rewrite_touches_only_imports() -> None:
    out, count = rewrite_source(SOURCE, "acme")
    assert count == 10
    expected = (
        SOURCE.replace("import onstage\n", "import acme\n")
        .replace("import os, onstage.", "import os, acme.")
        .replace("from onstage import RealtimeKit\n", "from acme import RealtimeKit\n")
        .replace("from onstage.webhooks", "from acme.webhooks")
        .replace("from onstage._log", "from acme._log")
        .replace("    onstage.testing import Sandbox", "    acme.testing import Sandbox")
        .replace("    import onstage.testing", "    import acme.testing")
        .replace("import onstage . tpstreams", "import acme . tpstreams")
        .replace('import_module("onstage.webinar")', 'import_module("acme.webinar")')
        .replace("package='onstage'", "package='acme'")
    )
    assert out == expected
    assert absolute_references(out) == []
    assert len(absolute_references(SOURCE)) == 10
    assert 'getLogger("onstage")' in out and '"onstage sandbox"' in out and "import onstagex" in out


def test_logger_name_is_renamed_only_on_request() -> None:
    out, _ = rewrite_source(SOURCE, "acme", logger_name="acme_logs")
    assert 'getLogger("acme_logs")' in out and 'getLogger("acme_logs.testing")' in out
    assert '"onstage sandbox"' in out


def test_rewrite_refuses_what_it_cannot_edit_safely() -> None:
    with pytest.raises(VendorError, match="split"):
        rewrite_source('import importlib\nimportlib.import_module("onst" "age.x")\n', "acme")


def test_vendor_rewrites_a_package_with_absolute_imports(tmp_path: Path) -> None:
    """A stand-in checkout whose package imports itself absolutely still works once renamed."""
    root = tmp_path / "checkout"
    src = root / "src" / "onstage"
    (src / "_generated").mkdir(parents=True)
    (root / "openapi").mkdir()
    (root / "openapi" / "onstage.yaml").write_text("openapi: 3.1.0\n")
    (src / "_version.py").write_text('__version__ = "9.9.9"\n')
    (src / "_generated" / "_lock.json").write_text('{"generator_version": "0.0.1"}')
    (src / "__init__.py").write_text("from onstage.core import VALUE\nimport onstage.core as core\n")
    (src / "core.py").write_text("import importlib\nVALUE = importlib.import_module('onstage._version')\n")
    into = tmp_path / "vendor"
    from scripts.vendor import vendor

    vendor(into, "renamed", root=root)
    assert (into / "renamed" / "__init__.py").read_text() == (
        "from renamed.core import VALUE\nimport renamed.core as core\n"
    )
    text = (into / "renamed" / "VENDORED.md").read_text()
    assert "- onstage version: 9.9.9" in text and "imports rewritten from `onstage` to `renamed`: 3" in text
    done = child("import renamed\nassert renamed.VALUE.__version__ == '9.9.9'\nassert not ATTEMPTS\n", into)
    assert done.returncode == 0, done.stderr


# -- refusing to overwrite ------------------------------------------------------------------------
def run(into: Path, *flags: str) -> int:
    return main(["--into", str(into), "--package", PACKAGE, *flags])


def test_clean_revendor_replaces_the_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    into = tmp_path / "vendor"
    assert run(into) == 0
    pkg = into / PACKAGE
    assert not (pkg / "testing").exists()
    first = (pkg / "VENDORED.md").read_bytes()
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "_errors.cpython-311.pyc").write_bytes(b"\0")  # what importing leaves
    assert run(into) == 0
    assert (pkg / "VENDORED.md").read_bytes() == first  # deterministic: no dates
    assert not (pkg / "__pycache__").exists()
    assert sorted(p.name for p in into.iterdir()) == [PACKAGE]
    assert "vendored onstage into" in capsys.readouterr().out


def test_local_edits_are_refused_until_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    into = tmp_path / "vendor"
    assert run(into) == 0
    pkg = into / PACKAGE
    errors = pkg / "_errors.py"
    original = errors.read_text()
    errors.write_text(original + "LOCAL_PATCH = True\n")
    (pkg / "local_extra.py").write_text("x = 1\n")
    (pkg / "_env.py").unlink()
    capsys.readouterr()

    assert run(into) == 1
    err = capsys.readouterr().err
    assert f"modified locally: {PACKAGE}/_errors.py" in err
    assert f"--- {PACKAGE}/_errors.py (local)" in err and "\n-LOCAL_PATCH = True\n" in err
    assert f"added locally: {PACKAGE}/local_extra.py" in err
    assert f"deleted locally: {PACKAGE}/_env.py" in err
    assert "refusing to overwrite local edits" in err and "--force" in err
    assert errors.read_text() == original + "LOCAL_PATCH = True\n"  # nothing written
    assert (pkg / "local_extra.py").exists() and not (pkg / "_env.py").exists()
    assert sorted(p.name for p in into.iterdir()) == [PACKAGE]

    assert run(into, "--force") == 0
    assert errors.read_text() == original
    assert not (pkg / "local_extra.py").exists() and (pkg / "_env.py").exists()
    assert run(into) == 0  # clean again


def test_cli_exit_code_on_local_edits(tmp_path: Path) -> None:
    into = tmp_path / "vendor"
    assert vendor_cli(into).returncode == 0
    (into / PACKAGE / "_version.py").write_text('__version__ = "local"\n')
    done = vendor_cli(into)
    assert done.returncode == 1
    assert '-__version__ = "local"' in done.stderr
    assert (into / PACKAGE / "_version.py").read_text() == '__version__ = "local"\n'


def test_directory_that_is_not_a_vendored_copy_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = tmp_path / "vendor" / PACKAGE
    pkg.mkdir(parents=True)
    (pkg / "mine.py").write_text("precious = True\n")
    assert run(tmp_path / "vendor") == 3
    assert run(tmp_path / "vendor", "--force") == 3
    assert "VENDORED.md" in capsys.readouterr().err
    (pkg / "VENDORED.md").write_text("# something else\n")
    assert run(tmp_path / "vendor", "--force") == 3
    assert sorted(p.name for p in pkg.iterdir()) == ["VENDORED.md", "mine.py"]


@pytest.mark.parametrize("name", ["onstage", "1video", "class", "acme-video"])
def test_bad_package_names(tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--into", str(tmp_path), "--package", name]) == 2
    assert "--package" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_refuses_to_vendor_into_the_source_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--into", str(ROOT / "src" / "onstage" / "x"), "--package", PACKAGE]) == 2
    assert "inside the source tree" in capsys.readouterr().err
    assert not (ROOT / "src" / "onstage" / "x").exists()
