"""A synchronous client seen through the async test bodies of the reliability suite, so the same tests
run on both flavours: each call runs in a worker thread (``anyio.to_thread``), the event loop that
hosts the sandbox or the loopback server stays free, and concurrent test tasks become concurrent
threads sharing one sync client, which is how a Django or Celery process uses it.

``await Threaded(client).meetings.get(id)`` runs ``client.meetings.get(id)`` in a thread; a paginator
result supports ``await ….to_list()``, ``await ….first_page()`` and ``async for``; ``aclose()`` and
``async with`` map to ``close()`` and ``with``; ``repr()`` is the client's own.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Generator
from types import TracebackType
from typing import Any

import anyio.to_thread

_PLAIN = (str, bytes, int, float, bool, type(None))
#: Methods that do no I/O (a configured copy): called at once, their result wrapped.
_LOCAL = frozenset({"with_options"})


class Threaded:
    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        if name == "aclose":
            return functools.partial(_Call, self._target.close)
        value = getattr(self._target, name)
        if isinstance(value, _PLAIN):
            return value
        if name in _LOCAL:
            return lambda *args, **kwargs: Threaded(value(*args, **kwargs))
        if callable(value):
            return functools.partial(_Call, value)
        return Threaded(value)

    def __repr__(self) -> str:
        return repr(self._target)

    async def __aenter__(self) -> Threaded:
        await anyio.to_thread.run_sync(self._target.__enter__)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await anyio.to_thread.run_sync(self._target.__exit__, exc_type, exc, tb)


class _Call:
    """One call of a sync method, awaitable; for a paginator, its methods and iteration too."""

    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._run = functools.partial(fn, *args, **kwargs)

    def __await__(self) -> Generator[Any, None, Any]:
        return anyio.to_thread.run_sync(self._run).__await__()

    def _then(self, method: str, *args: Any, **kwargs: Any) -> Any:
        run = self._run
        return anyio.to_thread.run_sync(lambda: getattr(run(), method)(*args, **kwargs))

    def to_list(self, limit: int | None = None) -> Any:
        return self._then("to_list", limit)

    def first_page(self) -> Any:
        return self._then("first_page")

    def first_response(self) -> Any:
        return self._then("first_response")

    def pages(self) -> _Iterated:
        run = self._run
        return _Iterated(lambda: list(run().pages()))

    def __aiter__(self) -> AsyncIterator[Any]:
        run = self._run
        return _Iterated(lambda: list(run())).__aiter__()


class _Iterated:
    """``async for`` over what a sync iteration yields (collected in a thread: a sync paginator
    cannot be advanced from the event loop without blocking it)."""

    def __init__(self, collect: Callable[[], list[Any]]) -> None:
        self._collect = collect

    async def __aiter_items(self) -> AsyncIterator[Any]:
        for item in await anyio.to_thread.run_sync(self._collect):
            yield item

    def __aiter__(self) -> AsyncIterator[Any]:
        return self.__aiter_items()
