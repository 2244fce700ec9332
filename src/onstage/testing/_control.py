"""``Control``: the typed control actions (what the services' users, encoders and time would do), and
``ControlShortcuts``: the same actions, the inspection and reset as methods of the sandbox itself
(``sb.join(...)``, ``sb.count(...)``). Both are plain typed methods, so a type checker sees every
action and refuses a misspelt one."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from ._engine.control import ControlBase
from ._engine.core import RecordedRequest
from .realtimekit import livestreams as rtk_livestreams
from .realtimekit import recordings as rtk_recordings
from .realtimekit import sessions as rtk_sessions
from .tpstreams import live_streams as tp_live_streams
from .webinar import live as wb_live
from .webinar import sessions as wb_sessions

__all__ = ["Control", "ControlShortcuts"]

P = ParamSpec("P")
R = TypeVar("R")


class Control(ControlBase):
    """What the sandbox's users, encoders and time would do, plus request inspection.

    Python: ``sb.control.join(...)`` (also ``sb.join(...)``). HTTP: ``POST /_sandbox/<action>`` with
    the keyword arguments as a JSON object (``GET /_sandbox/`` lists them); see
    ``onstage.testing._engine.control`` for the rest. Each action runs through ``_run`` (in the
    sandbox's thread for ``Sandbox.start_in_thread``'s control).
    """

    # -- RealtimeKit -------------------------------------------------------------------------------
    def join(
        self,
        account_id: str,
        app_id: str,
        meeting_id: str,
        *,
        custom_participant_id: str,
        name: str | None = None,
        preset_name: str | None = None,
    ) -> dict[str, Any]:
        """A participant joins the meeting (starts the session on the first join). Returns the peer.
        ``preset_name`` must be one of the app's presets (``ValueError`` otherwise)."""
        return self._run(
            rtk_sessions.join,
            self._core.world,
            account_id,
            app_id,
            meeting_id,
            custom_participant_id=custom_participant_id,
            name=name,
            preset_name=preset_name,
        )

    def leave(
        self,
        account_id: str,
        app_id: str,
        meeting_id: str,
        *,
        custom_participant_id: str | None = None,
        peer_id: str | None = None,
    ) -> dict[str, Any]:
        """A participant leaves; the last one out ends the session."""
        return self._run(
            rtk_sessions.leave,
            self._core.world,
            account_id,
            app_id,
            meeting_id,
            custom_participant_id=custom_participant_id,
            peer_id=peer_id,
        )

    def finish_recording(self, account_id: str, app_id: str, recording_id: str) -> dict[str, Any]:
        """The recording stops on its own and is uploaded (``UPLOADED`` with a download URL)."""
        return self._run(rtk_recordings.finish_recording, self._core.world, account_id, app_id, recording_id)

    def finish_livestream(
        self, account_id: str, app_id: str, *, livestream_id: str | None = None, meeting_id: str | None = None
    ) -> dict[str, Any]:
        """A livestream ends on its own (``IDLE``; webhook status ``OFFLINE``)."""
        return self._run(
            rtk_livestreams.finish_livestream,
            self._core.world,
            account_id,
            app_id,
            livestream_id=livestream_id,
            meeting_id=meeting_id,
        )

    def livestream_encoder_connect(self, account_id: str, app_id: str, livestream_id: str) -> dict[str, Any]:
        """An RTMP encoder starts pushing to an independent RealtimeKit livestream (``LIVE``)."""
        return self._run(rtk_livestreams.connect_encoder, self._core.world, account_id, app_id, livestream_id)

    # -- TP Streams --------------------------------------------------------------------------------
    def encoder_connect(self, organization_id: str, asset_id: str) -> dict[str, Any]:
        """An encoder publishes to a TP Streams live stream whose server is up: ``Streaming``."""
        return self._run(tp_live_streams.encoder_connect, self._core.world, organization_id, asset_id)

    def encoder_disconnect(self, organization_id: str, asset_id: str) -> dict[str, Any]:
        """The encoder stops publishing: ``Disconnected``."""
        return self._run(tp_live_streams.encoder_disconnect, self._core.world, organization_id, asset_id)

    # -- Webinar -----------------------------------------------------------------------------------
    def host_publish(self, session_id: str, publishing: bool = True) -> dict[str, Any]:
        """The webinar host starts (or stops) publishing media into the session."""
        return self._run(wb_live.host_publish, self._core.world, session_id, publishing)

    def expire_session(self, session_id: str) -> dict[str, Any]:
        """A scheduled webinar session's time passes without it starting: ``expired``. Start, go-live,
        join and end then answer 400. (It also happens on its own ``EXPIRE_AFTER`` past the schedule.)"""
        return self._run(wb_sessions.expire_session, self._core.world, session_id)


def _shortcut(action: Callable[Concatenate[Control, P], R]) -> Callable[Concatenate[ControlShortcuts, P], R]:
    """``action`` of ``Control`` as a method of the sandbox: same signature, same docstring, run on
    the sandbox's ``Control`` (``_actions``)."""

    @functools.wraps(action)
    def method(self: ControlShortcuts, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return action(self._actions(), *args, **kwargs)

    return method


class ControlShortcuts:
    """Every control action, and the inspection and reset, as a method of the sandbox itself:
    ``sb.join(...)`` is ``sb.control.join(...)``, ``sb.count(...)`` ``sb.control.count(...)``
    (``_actions`` says which ``Control``). Same signatures (typed: a misspelt action is a type
    error), same docstrings, same results; written once, in ``Control``."""

    def _actions(self) -> Control:
        raise NotImplementedError

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received so far (``RecordedRequest``: method, path, operation id, body...);
        from a sandbox in another thread, a copy taken there."""
        return self._actions().requests

    count = _shortcut(Control.count)
    reset = _shortcut(Control.reset)

    join = _shortcut(Control.join)
    leave = _shortcut(Control.leave)
    finish_recording = _shortcut(Control.finish_recording)
    finish_livestream = _shortcut(Control.finish_livestream)
    livestream_encoder_connect = _shortcut(Control.livestream_encoder_connect)
    encoder_connect = _shortcut(Control.encoder_connect)
    encoder_disconnect = _shortcut(Control.encoder_disconnect)
    host_publish = _shortcut(Control.host_publish)
    expire_session = _shortcut(Control.expire_session)
