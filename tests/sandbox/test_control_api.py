"""The control surface: fault routes and count keys checked against the spec (with close matches),
the control root listing the actions, and the shortcuts as real typed methods (no ``__getattr__``)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import httpx2
import pytest

from onstage.testing import Control, Faults, Sandbox, ThreadedSandbox
from onstage.testing._services import SERVICES
from tests._mypy import strict

pytestmark = pytest.mark.anyio

ACTIONS = sorted(name for service in SERVICES for name in service.actions)


# -- fault routes and count keys -------------------------------------------------------------------
async def test_a_misspelt_fault_route_is_refused_with_close_matches(sb: Sandbox) -> None:
    with pytest.raises(ValueError, match=r"'POST /meeting'") as info:
        sb.faults.add(route="POST /meeting", kind="500")
    assert "POST /meetings" in str(info.value)
    with pytest.raises(ValueError, match=r"'GET /meetings/\{id\}'") as info:
        sb.faults.add(route="GET /meetings/{id}", kind="500")
    assert "GET /meetings/{meeting_id}" in str(info.value)
    with pytest.raises(ValueError, match="PSOT"):
        sb.faults.add(route="PSOT /meetings", kind="500")
    with pytest.raises(ValueError, match=r"'DELETE /meetings'"):
        sb.faults.add(route="DELETE /meetings", kind="500")  # the path exists, not with that method
    with pytest.raises(ValueError, match="create_meetng") as info:
        sb.faults.add(operation_id="create_meetng", kind="500")
    assert "create_meeting" in str(info.value)
    assert sb.faults.rules == []


async def test_every_valid_fault_route_form_is_accepted(sb: Sandbox) -> None:
    for route in (
        "*",
        "GET *",
        "* /meetings",
        "POST /meetings",
        "post /meetings/",
        "GET /meetings/{meeting_id}",
        "GET /meetings/7a1c9b52-38f8-4a53-9d1b-2f6f0d4a4b11",  # a concrete id
        "POST /assets/live_streams/",
        "GET /sessions/stats",
    ):
        sb.faults.add(route=route, kind="500")
    sb.faults.add(operation_id="get_meeting", kind="500")
    assert len(sb.faults.rules) == 10


async def test_a_misspelt_count_key_is_refused_with_close_matches(sb: Sandbox) -> None:
    with pytest.raises(ValueError, match="create_meetng") as info:
        sb.count("create_meetng")
    assert "create_meeting" in str(info.value)
    with pytest.raises(ValueError, match=r"'POST /meeting'") as info:
        sb.count("POST /meeting")
    assert "POST /meetings" in str(info.value)
    assert sb.count("create_meeting") == 0 and sb.count("POST /meetings") == 0
    async with httpx2.AsyncClient(base_url=sb.url) as http:
        bad = await http.get("/_sandbox/count", params={"key": "create_meetng"})
        assert bad.status_code == 400 and "create_meeting" in bad.json()["error"]
        fault = await http.post("/_sandbox/faults", json={"route": "POST /meeting", "kind": "500"})
        assert fault.status_code == 400 and "POST /meetings" in fault.json()["error"]


def test_faults_on_their_own_take_any_route() -> None:
    faults = Faults(seed=1)  # no spec to check against
    assert faults.add(route="POST /anything", kind="500").route == "POST /anything"


# -- the control root ------------------------------------------------------------------------------
async def test_the_control_root_lists_the_actions(sb: Sandbox) -> None:
    async with httpx2.AsyncClient(base_url=sb.url) as http:
        for path in ("/_sandbox/", "/_sandbox"):
            response = await http.get(path)
            assert response.status_code == 200, path
            listing = response.json()["actions"]
            assert all(set(a) >= {"name", "method", "path", "description"} for a in listing)
            assert all(a["description"] and "\n" not in a["description"] for a in listing)
            by_name = {(a["method"], a["name"]) for a in listing}
            assert {("POST", name) for name in ACTIONS} <= by_name
            for builtin in (
                ("GET", "requests"),
                ("GET", "count"),
                ("GET", "deliveries"),
                ("POST", "faults"),
                ("DELETE", "faults"),
                ("POST", "flush_webhooks"),
                ("POST", "reset"),
            ):
                assert builtin in by_name
        join = next(a for a in listing if a["name"] == "join")
        assert join["path"] == "/_sandbox/join" and join["description"].startswith("A participant joins")
        assert "custom_participant_id" in join["arguments"]
        unknown = await http.get("/_sandbox/nothing")
        assert unknown.status_code == 404 and "unknown control action" in unknown.json()["error"]


# -- shortcuts: real methods -----------------------------------------------------------------------
def test_no_getattr_on_the_sandbox_classes() -> None:
    from onstage.testing._threaded import ThreadedControl

    for cls in (Sandbox, ThreadedSandbox, Control, ThreadedControl):
        assert not any("__getattr__" in vars(klass) for klass in cls.__mro__ if klass is not object), cls


@pytest.mark.parametrize("name", [*ACTIONS, "count", "reset"])
def test_every_action_is_a_typed_method_everywhere(name: str) -> None:
    from onstage.testing._threaded import ThreadedControl

    wanted = inspect.signature(getattr(Control, name))
    for cls in (Sandbox, ThreadedSandbox, ThreadedControl):
        method = inspect.getattr_static(cls, name)
        assert inspect.isfunction(method), (cls, name)
        assert inspect.signature(method) == wanted, (cls, name)
        assert inspect.getdoc(method), (cls, name)


async def test_the_shortcuts_work(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Shortcuts")
    assert sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1")["custom_participant_id"] == "u1"
    assert sb.control.leave("acc-1", "app-1", meeting.id, custom_participant_id="u1")
    with pytest.raises(AttributeError):
        sb.jion  # type: ignore[attr-defined]


def test_type_checkers_see_the_shortcuts(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from starlette.applications import Starlette\n"
        "from onstage.testing import Sandbox\n"
        "async def main() -> None:\n"
        "    async with Sandbox(apps={'https://app.example': Starlette()}) as sb:\n"
        "        reveal_type(sb.join('acc-1', 'app-1', 'm', custom_participant_id='u'))\n"
        "        sb.add_app('https://other.example', Starlette())\n"
        "        sb.jion('acc-1', 'app-1', 'm', custom_participant_id='u')\n"
        "        sb.join('acc-1', 'app-1', 'm', participant='u')\n"
        "    with Sandbox.start_in_thread() as threaded:\n"
        "        reveal_type(threaded.host_publish('s'))\n"
        "        reveal_type(threaded.control.expire_session('s'))\n"
        "        threaded.encoder_conect('org1', 'a')\n"
    )
    stdout = strict(tmp_path, snippet.read_text())
    lines = [line for line in stdout.splitlines() if line.startswith(str(snippet))]
    errors = [line for line in lines if ": error:" in line]
    assert len(errors) == 3, stdout
    assert 'has no attribute "jion"' in errors[0] and ":7:" in errors[0]
    assert ":8:" in errors[1] and "participant" in errors[1]
    assert 'has no attribute "encoder_conect"' in errors[2] and ":12:" in errors[2]
    revealed = [line for line in lines if "Revealed type" in line]
    assert len(revealed) == 3, lines
    assert all(re.search(r'"(builtins\.)?dict\[(builtins\.)?str, Any\]"', line) for line in revealed), lines
