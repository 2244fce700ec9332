"""Reading settings from the environment (documented in the README)."""

from __future__ import annotations

import os

__all__ = ["env_first"]


def env_first(*names: str) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None
