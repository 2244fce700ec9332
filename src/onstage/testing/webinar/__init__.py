"""The Webinar API fake (Tenbyte Vidinfra): rooms, sessions from scheduled through live to ended or
expired, LiveKit-style tokens, RTMP/WHIP ingest and HLS egress; host-publishing and expiry control
actions."""

from __future__ import annotations

from .._engine.service import Service
from .handlers import HANDLERS
from .live import host_publish
from .presets import SEEDED_PRESET_IDS
from .sessions import expire_session
from .state import API, Settings
from .wire import check_auth, render_error, validation_error

__all__ = ["SEEDED_PRESET_IDS", "SERVICE", "Settings"]

SERVICE = Service(
    api=API,
    handlers=HANDLERS,
    check_auth=check_auth,
    render_error=render_error,
    validation_error=validation_error,
    actions={"host_publish": host_publish, "expire_session": expire_session},
)
