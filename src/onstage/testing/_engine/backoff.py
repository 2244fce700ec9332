"""``backoff_scale``: the documented test hook that shrinks onstage's retry waits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..._retry import set_backoff_scale

__all__ = ["backoff_scale"]


@contextmanager
def backoff_scale(factor: float) -> Iterator[None]:
    """Within the block, every retry wait (back-off and ``Retry-After``) is multiplied by
    ``factor`` (0 to 1), so tests that inject faults run fast without changing the retry policy::

        with backoff_scale(0.01):
            await client.meetings.list()
    """
    previous = set_backoff_scale(factor)
    try:
        yield
    finally:
        set_backoff_scale(previous)
