"""onstage for synchronous code (Django, Flask, Celery workers, scripts, notebooks): the same clients,
resources, methods, arguments, return types and errors as ``onstage``'s async ones, on
``httpx2.Client``.

    from onstage.sync import RealtimeKit

    with RealtimeKit() as rtk:                      # credentials from the environment
        meeting = rtk.meetings.create(title="Standup")
        for m in rtk.meetings.list():               # iteration instead of ``async for``
            ...

One client can be shared by the threads of a process (its pool is thread-safe; ``with_options``
copies share it). Hooks are plain functions. Generated from the async sources (see
``scripts/codegen/unasync.py``): only the I/O differs.
"""

from .._generated._sync._pagination import SyncPaginator
from .._generated.sync_clients.realtimekit._client import RealtimeKit
from .._generated.sync_clients.tpstreams._client import TPStreams
from .._generated.sync_clients.webinar._client import Webinar
from .._options import SyncClientOptions

__all__ = ["RealtimeKit", "SyncClientOptions", "SyncPaginator", "TPStreams", "Webinar"]
