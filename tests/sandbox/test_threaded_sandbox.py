"""``Sandbox.start_in_thread()``: the control actions, inspection and ``add_app`` are real typed
methods, each run in the sandbox's thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from onstage.testing import Control, Sandbox, ThreadedSandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[ThreadedSandbox]:
    with Sandbox.start_in_thread() as sandbox:
        yield sandbox


def test_control_is_a_control_whose_calls_run_in_the_sandboxs_thread(sb: ThreadedSandbox) -> None:
    control = sb.control
    assert isinstance(control, Control)
    sandbox_thread = sb.call(threading.get_ident)
    assert sandbox_thread != threading.get_ident()
    assert control._run(threading.get_ident) == sandbox_thread


def test_every_shortcut_goes_through_the_sandboxs_thread(sb: ThreadedSandbox) -> None:
    rtk = sb.realtimekit()
    meeting = rtk.meetings.create(title="Threaded")
    peer = sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1")
    assert peer["custom_participant_id"] == "u1"
    assert rtk.active_session.get(meeting.id).live_participants == 1
    sb.leave("acc-1", "app-1", meeting.id, custom_participant_id="u1")
    requests = sb.requests
    assert requests is not sb.sandbox.requests and requests == sb.sandbox.requests  # a copy
    assert sb.count("create_meeting") == sb.control.count("POST /meetings") >= 1
    wb = sb.webinar()
    room = wb.rooms.create(title="Threaded")
    created = wb.rooms.sessions.create(room.id, title="Threaded", preset_id=sb.webinar_preset_ids[0])
    assert created.session is not None
    session_id = created.session.id
    assert sb.host_publish(session_id)["id"] == session_id
    assert sb.expire_session(session_id)["status"] == "expired"
    with pytest.raises(LookupError):
        sb.encoder_connect("org1", "no-such-asset")
    with pytest.raises(ValueError, match="create_meeting"):
        sb.count("create_meetng")
