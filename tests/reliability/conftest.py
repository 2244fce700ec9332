"""Reliability suite: every async test here runs once per *flavour* (event loop × onstage HTTP
backend), in one of two profiles.

- Flavours: ``FLAVOURS`` below; adding one is one line. A test that takes the ``flavour`` fixture
  (or any async test: ``anyio_backend`` follows the flavour) runs on each async flavour; build
  clients with ``flavour.sandbox_client(sb, "realtimekit", max_retries=4)`` or
  ``flavour.client(cls, ...)``. A test marked ``sync_too`` also runs on ``sync-httpx2``: the
  synchronous client, each call in a worker thread (``_threaded.Threaded``), the test body unchanged.
- Profiles: ``make test`` runs the bounded profile (CI-sized counts); ``make reliability`` sets
  ``ONSTAGE_RELIABILITY=full`` for the full figures. Tests pick counts with
  ``profile.n(bounded=150, full=400)``.
- Figures: tests record them in ``tests/reliability/_figures.FIGURES``; they are printed at the end
  of the run (with or without ``-s``).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import pytest

import onstage
import onstage.sync
from onstage.testing import Sandbox
from tests.reliability._figures import FIGURES
from tests.reliability._threaded import Threaded


@dataclass(frozen=True)
class Flavour:
    """One way of running onstage: the event loop and the client's ``http_backend``."""

    name: str
    anyio_backend: Literal["asyncio", "trio"]
    http_backend: Literal["httpx2", "aiohttp"]
    #: A module the flavour needs (the test is skipped without it).
    requires: str | None = None
    #: The synchronous client (``onstage.sync``), driven from worker threads.
    sync: bool = False

    @property
    def asyncio(self) -> bool:
        return self.anyio_backend == "asyncio"

    def options(self, **options: Any) -> dict[str, Any]:
        """Client keyword arguments for this flavour, plus ``options``."""
        return {"http_backend": self.http_backend, **options}

    def client(self, name: str, **kw: Any) -> Any:
        """``onstage.<name>(**kw)`` of this flavour (a sync one wrapped in ``Threaded``)."""
        if not self.sync:
            return getattr(onstage, name)(**self.options(**kw))
        return Threaded(getattr(onstage.sync, name)(**kw))

    def sandbox_client(self, sb: Sandbox, api: str, **kw: Any) -> Any:
        """A client of ``api`` for the (async) sandbox ``sb``; closed with the sandbox."""
        if not self.sync:
            return getattr(sb, api)(**self.options(**kw))
        cls, ids = {
            "realtimekit": ("RealtimeKit", {"account_id": "acc-1", "app_id": "app-1"}),
            "tpstreams": ("TPStreams", {"organization_id": sb.organization_for(None)}),
            "webinar": ("Webinar", {}),
        }[api]
        client = getattr(onstage.sync, cls)(**ids, **sb.client_kwargs(api, kw, sync=True))
        _SYNC_CLIENTS.append(client)
        return Threaded(client)


ASYNC_FLAVOURS = (
    Flavour("asyncio-httpx2", "asyncio", "httpx2"),
    Flavour("trio-httpx2", "trio", "httpx2"),
    Flavour("asyncio-aiohttp", "asyncio", "aiohttp", requires="aiohttp"),  # aiohttp is asyncio only
)
# The sync client does not depend on the loop: asyncio only hosts the sandbox or the server.
FLAVOURS = (*ASYNC_FLAVOURS, Flavour("sync-httpx2", "asyncio", "httpx2", sync=True))
_SYNC_CLIENTS: list[Any] = []


@dataclass(frozen=True)
class Profile:
    """``bounded`` (``make test``, the whole suite's share ≤ ~45 s on 2 cores) or ``full``."""

    name: Literal["bounded", "full"]

    @property
    def full(self) -> bool:
        return self.name == "full"

    def n(self, *, bounded: int, full: int) -> int:
        return full if self.full else bounded


PROFILE = Profile("full" if os.environ.get("ONSTAGE_RELIABILITY", "").lower() == "full" else "bounded")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that uses ``flavour`` (every async test: ``anyio_backend`` follows it) runs on the
    async flavours; one marked ``sync_too`` on the sync client as well."""
    if "flavour" in metafunc.fixturenames:
        chosen = FLAVOURS if metafunc.definition.get_closest_marker("sync_too") else ASYNC_FLAVOURS
        metafunc.parametrize("flavour", chosen, ids=[f.name for f in chosen], indirect=True)


@pytest.fixture
def flavour(request: pytest.FixtureRequest) -> Iterator[Flavour]:
    chosen: Flavour = request.param
    if chosen.requires and importlib.util.find_spec(chosen.requires) is None:
        pytest.skip(f"{chosen.name} needs {chosen.requires}")
    yield chosen
    while _SYNC_CLIENTS:
        _SYNC_CLIENTS.pop().close()


@pytest.fixture
def anyio_backend(flavour: Flavour) -> str:
    return flavour.anyio_backend


@pytest.fixture(scope="session")
def profile() -> Profile:
    return PROFILE


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section(f"onstage reliability figures ({PROFILE.name} profile)")
    for line in FIGURES.lines():
        terminalreporter.write_line(line)
