"""What a reader of ``help()``, an IDE or ``mypy --strict`` sees: documented, typed resources,
Google-style docstrings with every parameter described, and responses that wrap a resource reading
it through as typed properties (no ``__getattr__``, so a typo is a type error)."""

from __future__ import annotations

import inspect
import pydoc
from pathlib import Path
from typing import Any

import httpx2
import pytest

import onstage
import onstage.sync
from onstage.webinar.models import CreateSessionResponse, StartSessionResponse
from scripts.doc_coverage import args_section, measure
from tests._mypy import strict

pytestmark = pytest.mark.anyio

SESSION = {"id": "s-1", "room_id": "r-1", "title": "Town hall", "status": "live"}


def test_help_shows_each_resource_with_its_docstring() -> None:
    for client in (onstage.RealtimeKit, onstage.sync.RealtimeKit):
        text = pydoc.render_doc(client, renderer=pydoc.plaintext)
        assert "cached_property object" not in text
        assert "meetings\n" in text and "``meetings``: " in text and "sub-resources: participants" in text
    meetings = type(onstage.RealtimeKit(api_token="t", account_id="a", app_id="b").meetings)
    resource = pydoc.render_doc(meetings, renderer=pydoc.plaintext)
    assert "participants\n" in resource and "``meetings.participants``: add" in resource
    assert "cached_property object" not in resource


def test_resources_are_cached_per_client_and_rebuilt_for_a_copy() -> None:
    rtk = onstage.RealtimeKit(api_token="t", account_id="a", app_id="b")
    assert rtk.meetings is rtk.meetings and rtk.meetings.participants is rtk.meetings.participants
    copy = rtk.with_options(timeout=5)
    assert copy.meetings is not rtk.meetings and copy.meetings._client is copy


def _method(client: Any, dotted: str) -> Any:
    target = client
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


@pytest.mark.parametrize("dotted", ["meetings.participants.add", "meetings.list", "sessions.get_transcript"])
def test_docstrings_are_google_style_with_every_parameter(dotted: str) -> None:
    fn = _method(onstage.RealtimeKit(api_token="t", account_id="a", app_id="b"), dotted)
    doc = inspect.getdoc(fn) or ""
    args = args_section(doc)
    params = [p for p in inspect.signature(fn).parameters if p != "self"]
    assert params and list(args) == params, (params, list(args))
    assert all(text and "not described" not in text for text in args.values())
    assert "\nReturns:\n" in doc and "\nRaises:\n" in doc and "APIStatusError" in doc


def test_constraints_and_formats_reach_the_docstring() -> None:
    rtk = onstage.RealtimeKit(api_token="t", account_id="a", app_id="b")
    keep_alive = args_section(inspect.getdoc(rtk.meetings.create) or "")["session_keep_alive_time_in_secs"]
    # the spec's description, then its schema: range and the API's default
    assert keep_alive == (
        "Seconds a session stays active after the last participant has left. Range: 60–600. "
        "The API's default: ``60``."
    )
    args = args_section(inspect.getdoc(onstage.Webinar(api_key="k").rooms.sessions.create) or "")
    assert args["title"] == "Title of the session, 3–255 characters."  # said once, by the description
    assert args["preset_id"].endswith("A UUID.")
    assert args["scheduled_start_time"].endswith("(a naive one is refused).")


def test_every_public_method_describes_every_parameter() -> None:
    coverage = measure()
    assert coverage.methods >= 260
    assert coverage.share == 100.0, coverage.missing[:10]


def test_coverage_counts_a_missing_description(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "class ThingsResource:\n"
        "    def get(self, thing_id: str, *, verbose: bool = False) -> None:\n"
        '        """Get.\n\n        Args:\n            thing_id: The id.\n        """\n'
    )
    coverage = measure([module])
    assert (coverage.methods, coverage.complete, coverage.params, coverage.described) == (1, 0, 2, 1)


def test_read_through_properties_are_typed_and_fail_clearly() -> None:
    created = CreateSessionResponse.from_dict({"session": SESSION, "stream_key": "sk"})
    started = StartSessionResponse.from_dict({"session": SESSION, "whip_url": "https://w"})
    assert (created.id, created.title, started.status, started.room_id) == ("s-1", "Town hall", "live", "r-1")
    assert isinstance(inspect.getattr_static(StartSessionResponse, "status"), property)
    assert not hasattr(CreateSessionResponse, "__getattr__")
    with pytest.raises(AttributeError, match="no session"):
        _ = CreateSessionResponse.from_dict({"rtmp_url": "rtmp://x"}).id
    with pytest.raises(AttributeError):
        _ = created.idd  # type: ignore[attr-defined]


def test_mypy_sees_read_through_fields_and_resources_typed(tmp_path: Path) -> None:
    out = strict(
        tmp_path,
        "from onstage import RealtimeKit\n"
        "from onstage.webinar.models import CreateSessionResponse, StartSessionResponse\n"
        "def f(cs: CreateSessionResponse, st: StartSessionResponse, rtk: RealtimeKit) -> None:\n"
        "    reveal_type(cs.id)\n"
        "    reveal_type(st.status)\n"
        "    reveal_type(rtk.meetings.participants)\n"
        "    cs.idd\n",
    )
    assert 'has no attribute "idd"' in out, out
    assert 'Revealed type is "str"' in out or 'Revealed type is "builtins.str"' in out, out
    assert "SessionStatus | None" in out and "MeetingsParticipantsResource" in out, out
    assert "Any" not in out, out


async def test_a_started_session_reads_its_status_over_the_wire() -> None:
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, json={"success": True, "data": {"session": SESSION, "livekit_token": "j"}}
        )

    transport = httpx2.MockTransport(answer)
    async with onstage.Webinar(api_key="k", http_client=httpx2.AsyncClient(transport=transport)) as wb:
        started = await wb.sessions.start("s-1")
    assert started.status == "live" and started.id == "s-1"
