"""Module attributes that load on first use (PEP 562), for the public models modules: each forwards
to its API's generated models index, which imports a model's group when the name is first read.

Type checkers never see the forwarding ``__getattr__`` (the modules define it under ``if not
TYPE_CHECKING``): they read the ``TYPE_CHECKING`` re-exports instead, so a misspelt model name is
still a type error rather than ``Any``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

__all__ = ["forward"]


def forward(
    namespace: dict[str, Any], index: ModuleType
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for the module whose globals are ``namespace``: a name of
    ``index.__all__`` is read from ``index`` (loading its group) and cached in ``namespace``."""
    names = frozenset(index.__all__)
    module = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        value = getattr(index, name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *names})

    return __getattr__, __dir__
