"""Where the sandbox's spec is (next to this package in wheels and vendored copies, else the checkout's
``openapi/onstage.yaml``) and the one cached parse of it."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from .._openapi import load_document
from ._engine.spec import Spec

__all__ = ["find_spec_file", "load", "load_spec"]


def find_spec_file() -> Path:
    """``$ONSTAGE_SANDBOX_SPEC``, the copy shipped next to us (wheels and vendored copies carry one),
    or the repository's ``openapi/onstage.yaml`` (an editable checkout)."""
    candidates: list[Path] = []
    env = os.environ.get("ONSTAGE_SANDBOX_SPEC")
    if env:
        candidates.append(Path(env))
    here = Path(__file__).resolve()
    candidates.append(here.parent / "onstage.yaml")
    # here.parents[3]: the repository root (src/onstage/testing/_spec.py)
    candidates.append(here.parents[3] / "openapi" / "onstage.yaml")
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        "onstage.testing needs the OpenAPI spec; looked in: " + ", ".join(str(p) for p in candidates)
    )


@functools.lru_cache(maxsize=4)
def _parsed(path: str, mtime: float) -> Spec:
    return Spec(load_document(Path(path)))


def load(path: Path | None = None) -> Spec:
    """The parsed spec (cached per file and modification time)."""
    path = path or find_spec_file()
    return _parsed(str(path), path.stat().st_mtime)


def load_spec(path: Path | None = None) -> dict[str, Any]:
    """The spec document itself."""
    return dict(load(path).document)
