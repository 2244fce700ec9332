"""Calls into a sandbox served from a background thread (``Sandbox.start_in_thread``): each one made
in the sandbox's thread through its ``BlockingPortal``, a coroutine awaited there, and lists and dicts
handed back as copies taken there. ``ThreadedControl`` is the typed ``Control`` that does this for
every action and inspection; ``Marshalled`` does it for any object's methods and attributes."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

from anyio.from_thread import BlockingPortal

from ._control import Control
from ._engine.core import Core

__all__ = ["Marshalled", "ThreadedControl", "called", "copied"]

P = ParamSpec("P")
T = TypeVar("T")


def copied(value: T) -> T:
    """A list or dict copied (so the caller's thread never iterates one the sandbox is changing)."""
    if isinstance(value, list):
        return list(value)  # type: ignore[return-value]
    if isinstance(value, dict):
        return dict(value)  # type: ignore[return-value]
    return value


async def called(method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """``method(*args, **kwargs)`` (awaited if it returns an awaitable), copied: run in the portal."""
    result = method(*args, **kwargs)
    return copied(await result if inspect.isawaitable(result) else result)


class ThreadedControl(Control):
    """A ``Control`` whose every action and inspection runs in the sandbox's thread (``portal``);
    what it returns is a copy taken there. ``ThreadedSandbox.control`` is one."""

    def __init__(self, core: Core, portal: BlockingPortal) -> None:
        super().__init__(core)
        self._portal = portal

    def _run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        result: T = self._portal.call(called, fn, args, kwargs)
        return result


class Marshalled(Generic[T]):
    """``target``'s methods and attributes, each call or read made in the portal's thread (any
    object; the sandbox's own control and inspection have typed methods instead: ``ThreadedControl``
    and ``ThreadedSandbox``). Lists and dicts read through it are copies taken in that thread."""

    def __init__(self, portal: BlockingPortal, target: T) -> None:
        self._portal = portal
        self._target = target

    def __getattr__(self, name: str) -> Any:
        portal, target = self._portal, self._target
        method = getattr(target, name) if callable(getattr(type(target), name, None)) else None
        if method is None:  # an attribute: read (and copied) in one trip
            value = portal.call(_read, target, name)
            if not callable(value):
                return value
            method = value

        def call(*args: Any, **kwargs: Any) -> Any:  # one trip per call, a coroutine awaited there
            return portal.call(called, method, args, kwargs)

        return call

    def __repr__(self) -> str:
        return f"Marshalled({self._target!r})"


def _read(target: Any, name: str) -> Any:
    return copied(getattr(target, name))
