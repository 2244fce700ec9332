"""Type-check a snippet the way a user's ``mypy --strict`` would, for tests of what type checkers see."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

__all__ = ["strict"]


def strict(tmp_path: Path, source: str) -> str:
    """mypy --strict's output on ``source`` (written to ``tmp_path/snippet.py``); its exit status is
    not checked, since such snippets hold errors on purpose. A cache of its own: cold, but never stale."""
    snippet = tmp_path / "snippet.py"
    snippet.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(snippet)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
