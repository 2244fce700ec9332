"""Reliability suite: every async test here runs once per *flavour* (event loop × onstage HTTP
backend), in one of two profiles.

- Flavours: ``FLAVOURS`` below; adding one is one line. A test that takes the ``flavour`` fixture
  (or any async test: ``anyio_backend`` follows the flavour) runs on each; build clients with
  ``sb.realtimekit(**flavour.options(max_retries=4))`` or ``RealtimeKit(..., **flavour.options())``.
- Profiles: ``make test`` runs the bounded profile (CI-sized counts); ``make reliability`` sets
  ``ONSTAGE_RELIABILITY=full`` for the full figures. Tests pick counts with
  ``profile.n(bounded=150, full=400)``.
- Figures: tests record them in ``tests/reliability/_figures.FIGURES``; they are printed at the end
  of the run (with or without ``-s``).
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Any, Literal

import pytest

from tests.reliability._figures import FIGURES


@dataclass(frozen=True)
class Flavour:
    """One way of running onstage: the event loop and the client's ``http_backend``."""

    name: str
    anyio_backend: Literal["asyncio", "trio"]
    http_backend: Literal["httpx2", "aiohttp"]
    #: A module the flavour needs (the test is skipped without it).
    requires: str | None = None

    @property
    def asyncio(self) -> bool:
        return self.anyio_backend == "asyncio"

    def options(self, **options: Any) -> dict[str, Any]:
        """Client keyword arguments for this flavour, plus ``options``."""
        return {"http_backend": self.http_backend, **options}


FLAVOURS = (
    Flavour("asyncio-httpx2", "asyncio", "httpx2"),
    Flavour("trio-httpx2", "trio", "httpx2"),
    Flavour("asyncio-aiohttp", "asyncio", "aiohttp", requires="aiohttp"),  # aiohttp is asyncio only
)


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


@pytest.fixture(params=FLAVOURS, ids=[f.name for f in FLAVOURS])
def flavour(request: pytest.FixtureRequest) -> Flavour:
    chosen: Flavour = request.param
    if chosen.requires and importlib.util.find_spec(chosen.requires) is None:
        pytest.skip(f"{chosen.name} needs {chosen.requires}")
    return chosen


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
