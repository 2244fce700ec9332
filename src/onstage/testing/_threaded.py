"""Calls into a sandbox served from a background thread (``Sandbox.start_in_thread``): each one made
in the sandbox's thread through its ``BlockingPortal``, and lists and dicts handed back as copies
taken there. ``ThreadedControl`` is the typed ``Control`` that does this for every action and
inspection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from anyio.from_thread import BlockingPortal

from ._control import Control
from ._engine.core import Core

__all__ = ["ThreadedControl", "called", "copied"]

P = ParamSpec("P")
T = TypeVar("T")


def copied(value: T) -> T:
    """A list or dict copied (so the caller's thread never iterates one the sandbox is changing)."""
    if isinstance(value, list):
        return list(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return dict(value)  # type: ignore[return-value]
    return value


def called(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """``fn(*args, **kwargs)``, copied: what the portal runs in the sandbox's thread (its ``call``
    takes no keyword arguments, hence the tuple and dict)."""
    return copied(fn(*args, **kwargs))


class ThreadedControl(Control):
    """A ``Control`` whose every action and inspection runs in the sandbox's thread (``portal``);
    what it returns is a copy taken there. ``ThreadedSandbox.control`` is one."""

    def __init__(self, core: Core, portal: BlockingPortal) -> None:
        super().__init__(core)
        self._portal = portal

    def _run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._portal.call(called, fn, args, kwargs)
