"""Reading settings from the environment (documented in the README)."""

from __future__ import annotations

import os

from ._errors import ConfigurationError

__all__ = ["env_first", "require"]


def env_first(*names: str) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def require(value: str | None, what: str, *env_names: str) -> str:
    if value:
        return value
    found = env_first(*env_names)
    if found:
        return found
    hint = " or ".join(env_names)
    raise ConfigurationError(f"{what} is required: pass it to the client or set {hint}")
