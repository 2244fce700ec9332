"""The registry of the faked APIs: the one place that lists their packages (the engine is handed these)."""

from __future__ import annotations

from . import realtimekit, tpstreams, webinar
from ._engine.service import Service

__all__ = ["SERVICES"]

SERVICES: tuple[Service, ...] = (realtimekit.SERVICE, tpstreams.SERVICE, webinar.SERVICE)
