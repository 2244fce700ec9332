"""The TP Streams fake: login tokens and organizations, assets (videos, folders, live streams), access
tokens, subtitles, chapters, transcoding jobs and webhooks; live-stream timers; encoder control
actions. Mounted at the host root like the real service (paths carry ``/api/v1/{organization_id}``)."""

from __future__ import annotations

from .._engine.service import Service
from .handlers import HANDLERS
from .live_streams import advance_all, encoder_connect, encoder_disconnect
from .state import API, DEFAULT_ORGANIZATION, Settings
from .wire import authorize, check_auth, missing_slash, not_found, render_error, validation_error

__all__ = ["DEFAULT_ORGANIZATION", "SERVICE", "Settings"]

SERVICE = Service(
    api=API,
    handlers=HANDLERS,
    check_auth=check_auth,
    render_error=render_error,
    validation_error=validation_error,
    not_found=not_found,
    missing_slash=missing_slash,
    authorize=authorize,
    actions={"encoder_connect": encoder_connect, "encoder_disconnect": encoder_disconnect},
    tick=advance_all,
)
