"""Event hooks: ``on_request``, ``on_response``, ``on_retry``. Each hook may be sync or async.

Calling them is the flavour's (``_flavour.call_hooks``: an async client awaits async hooks, a sync
client refuses them). Hooks see the real ``httpx2`` objects (secrets included, as they would on an
httpx2 event hook); anything onstage itself logs or formats is redacted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx2
from attrs import frozen

__all__ = ["Hook", "Hooks", "RetryEvent", "SyncHook"]

Hook = Callable[[Any], Awaitable[None] | None]
#: A hook of a synchronous client: a plain function.
SyncHook = Callable[[Any], None]


@frozen
class RetryEvent:
    """Passed to ``on_retry`` hooks before onstage sleeps and retries."""

    operation: str
    attempt: int  # 1 for the first retry
    delay: float  # seconds it will sleep
    request: httpx2.Request
    response: httpx2.Response | None  # the failed response, or None after a transport error
    error: BaseException | None


@frozen
class Hooks:
    on_request: tuple[Hook, ...] = ()
    on_response: tuple[Hook, ...] = ()
    on_retry: tuple[Hook, ...] = ()

    @classmethod
    def build(
        cls,
        on_request: Sequence[Hook] | None = None,
        on_response: Sequence[Hook] | None = None,
        on_retry: Sequence[Hook] | None = None,
    ) -> Hooks:
        return cls(tuple(on_request or ()), tuple(on_response or ()), tuple(on_retry or ()))
