"""onstage runs on httpx2: importing it, or any of its modules, never loads the old ``httpx``
(which the pinned generator still brings into the dev environment)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import onstage

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(onstage.__path__, "onstage.")
    if not m.name.startswith("onstage._generated.")  # loaded through the clients below
)


def _loaded_after(statement: str) -> list[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return out.split()


def test_import_onstage_loads_httpx2_not_httpx() -> None:
    loaded = _loaded_after("import onstage")
    assert "httpx2" in loaded
    assert not [m for m in loaded if m == "httpx" or m.startswith(("httpx.", "httpcore."))]


def test_no_module_imports_old_httpx() -> None:
    """One process imports every module in turn and names the first that brought the old httpx."""
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "    if 'httpx' in sys.modules or 'httpcore' in sys.modules:\n"
        "        print(name); break\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "", f"{out.strip()} imports the old httpx"


def test_the_list_covers_the_runtime_and_extras() -> None:
    assert {"onstage._client_base", "onstage._transport", "onstage.testing", "onstage.webhooks"} <= set(
        MODULES
    )
