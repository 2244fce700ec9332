"""The RealtimeKit fake: apps, meetings and participants, presets, webhooks, sessions and the active
session, recordings and livestreams; signed webhook events; control actions for participants,
recordings and livestreams."""

from __future__ import annotations

from .._engine.service import Service
from .handlers import HANDLERS
from .livestreams import connect_encoder, finish_livestream
from .recordings import finish_recording
from .sessions import join, leave
from .state import API, Settings
from .wire import check_auth, public_key, render_error, validation_error

__all__ = ["SERVICE", "Settings"]

SERVICE = Service(
    api=API,
    handlers=HANDLERS,
    check_auth=check_auth,
    render_error=render_error,
    validation_error=validation_error,
    routes={"/.well-known/webhooks.json": public_key},
    actions={
        "join": join,
        "leave": leave,
        "finish_recording": finish_recording,
        "finish_livestream": finish_livestream,
        "livestream_encoder_connect": connect_encoder,
    },
)
