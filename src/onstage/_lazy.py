"""Module attributes that load on first use (PEP 562), for the models modules: a name is looked up
in a table (name -> the submodule that defines it), its submodule is imported the first time the
name is read, and the value is cached in the module's globals. The generated models index of each
API (``_generated/<api>/models``) and the public ``onstage.<api>.models`` both use it.

The modules define the returned ``__getattr__`` under ``if not TYPE_CHECKING``: type checkers read
their ``TYPE_CHECKING`` re-exports instead, so a misspelt model name is a type error, not ``Any``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(
    namespace: dict[str, Any], where: Mapping[str, str], package: str | None = None
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the module whose globals are ``namespace``: name ``n``
    is read from the module ``<package>.<where[n]>`` (``package`` defaults to the module itself)."""
    module = namespace["__name__"]
    base = package or module

    def __getattr__(name: str) -> Any:
        group = where.get(name)
        if group is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{base}.{group}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *where})

    return __getattr__, __dir__
