"""scripts/codegen/unasync.py: the rewrite of an async runtime module into its synchronous twin — the
table's rules, the ``# async-only`` marks, ``Awaitable[...]`` unwrapped, the flavour's primitives
renamed in code but not in prose, imports re-pointed from the twin's own place, and a twin that would
still be asynchronous refused."""

from __future__ import annotations

import ast
import textwrap

import pytest

from scripts.codegen.unasync import UnasyncError, twin_source

SOURCE = textwrap.dedent(
    '''
    """An async module."""

    from __future__ import annotations

    from collections.abc import Awaitable, Callable

    from .._flavour import call_hooks, check_event_loop  # async-only
    from .._flavour import now, sleep
    from .._generated.tpstreams.resources.live_streams import LiveStreamsResource
    from ._live_streams import LiveStreams

    Fetch = Callable[[dict[str, object]], Awaitable[list[Awaitable[int]]]]


    class Thing:
        async def run(self, hooks: list[object]) -> None:
            """Wait, then sleep until now: the end of its ``async with``."""
            check_event_loop(None, self)  # async-only
            if hooks:  # async-only
                await call_hooks(hooks, self)
            # sleep a bit (a comment: prose stays prose)
            await sleep(now())

        async def __aenter__(self) -> Thing:
            async with self.lock:
                async for item in self.items():
                    await item.aclose()
            return self
    '''
)
TWINS = {"tpstreams._client": "sync_clients", "tpstreams._live_streams": "sync_clients"}


def test_a_twin_is_synchronous_and_reads_right() -> None:
    twin = twin_source(SOURCE, "tpstreams/_client.py", TWINS)
    ast.parse(twin)
    assert twin.startswith('"""Synchronous twin of ``onstage.tpstreams._client``')
    assert "def run(" in twin and "def __enter__(self)" in twin
    assert "with self.lock:" in twin and "for item in self.items():" in twin and "item.close()" in twin
    assert "sleep_sync(now_sync())" in twin
    assert "# sleep a bit (a comment: prose stays prose)" in twin  # not renamed outside code
    assert "the end of its ``with``" in twin  # keyword rules read right in messages too
    assert "check_event_loop" not in twin and "if hooks" not in twin and "call_hooks(" not in twin
    assert "Fetch = Callable[[dict[str, object]], list[int]]" in twin
    assert "from collections.abc import Callable\n" in twin


def test_imports_point_to_twins_and_sync_resources_from_the_twins_place() -> None:
    twin = twin_source(SOURCE, "tpstreams/_client.py", TWINS)
    assert "from ...._flavour import now_sync, sleep_sync\n" in twin
    assert "from ...._generated.tpstreams.sync_resources.live_streams import LiveStreamsResource" in twin
    assert "from ...._generated.sync_clients.tpstreams._live_streams import LiveStreams" in twin


@pytest.mark.parametrize(
    ("line", "left"),
    [
        ("import anyio\n", "anyio"),
        ("x = httpx2.AsyncClient if True else AsyncClient\n", "AsyncClient"),
        ("value = anext(items)\n", "anext"),
        ("with anyio.move_on_after(1):\n    pass\n", "anyio, move_on_after"),
    ],
)
def test_a_twin_that_would_stay_asynchronous_is_refused(line: str, left: str) -> None:
    with pytest.raises(UnasyncError, match=f"still names {left}"):
        twin_source(line, "_x.py")
