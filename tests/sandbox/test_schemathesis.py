"""Schemathesis against the sandbox: every operation of ``openapi/onstage.yaml``, positive and negative
examples, every response checked against the spec (documented status, content type, body schema,
headers) and never a 5xx. Bounded: a few derandomized examples per operation, no shrinking.

The sandbox runs on loopback in a background event loop (a blocking portal), so that schemathesis'
own synchronous ``case.call`` can talk to it over real HTTP. Each API lives under the path of its real
base URL, so an operation's ``servers`` URL maps onto the sandbox by keeping its path. Before each
operation the sandbox goes back to a seeded state; half the examples use the ids of seeded resources
(so handlers run for real), the other half whatever schemathesis generates (so the 404s are checked).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio.from_thread
import hypothesis
import hypothesis.errors
import hypothesis.strategies as st
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from onstage.testing import Sandbox
from onstage.testing._spec import find_spec_file

EXAMPLES = 6  # per operation and generation mode
#: The sandbox's default credentials, one per security scheme of the spec. Schemathesis applies them
#: itself, so negative examples can also leave them out (and expect the 401).
CONFIG = schemathesis.Config.from_dict(
    {
        "auth": {
            "openapi": {
                "realtimekit_token": {"bearer": "rtk-sandbox-token"},
                "tpstreams_token": {"api_key": "Token tp-sandbox-token"},
                "webinar_api_key": {"api_key": "wb-sandbox-key"},
                "webinar_bearer": {"bearer": "wb-sandbox-key"},
            }
        }
    }
)
SCHEMA = schemathesis.openapi.from_path(find_spec_file(), config=CONFIG)
OPERATIONS = {op.definition.raw["operationId"]: op for op in (r.ok() for r in SCHEMA.get_all_operations())}
AUTH = {
    "realtimekit": {"Authorization": "Bearer rtk-sandbox-token"},
    "tpstreams": {"Authorization": "Token tp-sandbox-token"},
    "webinar": {"X-API-Key": "wb-sandbox-key"},
}
CHECKS = {
    GenerationMode.POSITIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        response_headers_conformance,
    ],
    GenerationMode.NEGATIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        response_headers_conformance,
        negative_data_rejection,
    ],
}
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
PRESET = Sandbox().webinar_preset_ids[0]  # a preset the sandbox seeds


@dataclass
class Live:
    sandbox: Sandbox
    portal: anyio.from_thread.BlockingPortal
    http: requests.Session
    ids: dict[str, str]
    snapshot: tuple[dict[tuple[str, ...], Any], Any]

    def restore(self) -> None:
        """Back to the freshly seeded state (much cheaper than seeding again before every test)."""
        world = self.sandbox.world
        stores, rng_state = copy.deepcopy(self.snapshot)
        world.stores.clear()
        world.stores.update(stores)
        world.rng.setstate(rng_state)
        self.sandbox.requests.clear()


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(Sandbox()) as sandbox,
        requests.Session() as http,
    ):
        ids = portal.call(_seed, sandbox)
        snapshot = copy.deepcopy((sandbox.world.stores, sandbox.world.rng.getstate()))
        yield Live(sandbox, portal, http, ids, snapshot)


async def _seed(sb: Sandbox) -> dict[str, str]:
    """Fresh state with one of everything; returns path-parameter values naming real resources."""
    sb.reset()
    ids: dict[str, str] = {"account_id": "acc-1", "app_id": "app-1", "organization_id": "org1"}
    rtk = sb.realtimekit(max_retries=0)
    ids["preset_id"] = (await rtk.presets.list().to_list())[0].id
    meeting = await rtk.meetings.create(title="Fuzzed")
    ids["meeting_id"] = meeting.id
    host = await rtk.meetings.participants.add(
        meeting.id, custom_participant_id="host", preset_name="group_call_host", name="Host"
    )
    ids["participant_id"] = host.id
    sb.join("acc-1", "app-1", meeting.id, custom_participant_id="host")
    session = await rtk.active_session.get(meeting.id)
    ids["session_id"] = session.id
    ids["peer_id"] = (await rtk.sessions.participants.list(session.id).to_list())[0].id
    ids["webhook_id"] = (
        await rtk.webhooks.create(name="hook", url="http://127.0.0.1:9/hook", events=["meeting.started"])
    ).id
    ids["recording_id"] = (await rtk.recordings.start(meeting_id=meeting.id)).id
    live = await rtk.livestreams.start(meeting.id, name="main")
    ids["livestream_id"] = live.id
    ids["livestream-session-id"] = (await rtk.livestreams.get_active_session(live.id)).session.id
    tp = sb.tpstreams(max_retries=0)
    video = await tp.assets.videos.create(
        title="Intro", inputs=[{"url": "https://example.com/intro.mp4"}], resolutions=["240p", "720p"]
    )
    ids["asset_id"] = video.id
    ids["code"] = (await tp.assets.access_tokens.create(video.id, time_to_live=60)).code
    await tp.assets.chapters.create(video.id, chapters=[{"title": "Start", "start_time": "00:00:00"}])
    ids["chapter_id"] = str((await tp.assets.chapters.list(video.id).to_list())[0].id)
    await tp.assets.upload_subtitle(video.id, subtitle=("en.vtt", b"WEBVTT\n", "text/vtt"), name="English")
    ids["subtitle_id"] = str((await tp.assets.subtitles.list(video.id).to_list())[0].id)
    ids["job_id"] = (
        await tp.transcoding_jobs.create(
            input_url="https://example.com/a.mp4", output_path="s3://b/out", resolutions=["720p"]
        )
    ).id
    scheduled = await tp.live_streams.create(title="Live", start=datetime.datetime(2030, 1, 1, 10, 0))
    ids["tpstreams:live_asset_id"] = scheduled.id
    webhook = await tp.webhooks.create(url="http://127.0.0.1:9/tp", secret_token="s3cret")
    ids["tpstreams:webhook_id"] = webhook.id
    ids["realtimekit:idle_meeting_id"] = (await rtk.meetings.create(title="Idle")).id
    wb = sb.webinar(max_retries=0)
    room = await wb.rooms.create(title="Fuzz room")
    ids["room"] = room.id
    ids["session"] = (
        await wb.rooms.sessions.create(room.id, title="Fuzz session", preset_id=PRESET)
    ).session.id
    sb.requests.clear()
    return ids


def _api(op: schemathesis.APIOperation) -> str:
    return str(op.definition.raw["tags"][0]).split("-", 1)[0]


def _multipart_only(op: schemathesis.APIOperation) -> bool:
    content = (op.definition.raw.get("requestBody") or {}).get("content") or {}
    return bool(content) and all(media.startswith("multipart/") for media in content)


#: Operations that need another seeded resource than the default one for their parameter.
_OVERRIDES = {
    "tp_start_live_stream_server": {"asset_id": "tpstreams:live_asset_id"},
    "tp_stop_live_stream": {"asset_id": "tpstreams:live_asset_id"},
    "start-livestreaming": {"meeting_id": "realtimekit:idle_meeting_id"},
}


def _fixed(op: schemathesis.APIOperation, ids: dict[str, str]) -> dict[str, str]:
    """Path parameters naming seeded resources (``api:name`` entries win over plain ``name`` ones)."""
    api, overrides = _api(op), _OVERRIDES.get(op.definition.raw["operationId"], {})
    fixed: dict[str, str] = {}
    for name in (p.name for p in op.path_parameters):
        key = overrides.get(name) or (f"{api}:{name}" if f"{api}:{name}" in ids else name)
        if key in ids:
            fixed[name] = ids[key]
    if any(p.name == "id" for p in op.path_parameters):
        fixed["id"] = ids["room"] if op.path.startswith("/rooms") else ids["session"]
    return fixed


def _strategy(op: schemathesis.APIOperation, mode: GenerationMode, ids: dict[str, str]) -> Any:
    """Generated ids and seeded ids alike. Negative examples mostly keep valid credentials, so that
    what gets broken is usually a parameter or the body rather than the (easy to break) auth header."""
    generated = op.as_strategy(generation_mode=mode)
    keep_auth: dict[str, Any] = {}
    if mode is GenerationMode.NEGATIVE and op.definition.raw.get("security") != []:
        keep_auth = {"headers": AUTH[_api(op)]}
    fixed = _fixed(op, ids)
    options = [op.as_strategy(generation_mode=mode, path_parameters=fixed, **keep_auth)] if fixed else []
    if keep_auth:
        options.append(op.as_strategy(generation_mode=mode, **keep_auth))
    return st.one_of(*options, generated)


#: (operation, mode) pairs where the spec is known to be wrong, run as strict xfails so that fixing
#: the spec makes them fail until the entry is removed. Empty: keep it that way.
SPEC_GAPS: dict[tuple[str, GenerationMode], str] = {}


def _can_be_invalid(op: Any) -> bool:
    """Whether a request to ``op`` can be made invalid: it takes a parameter or a body, or needs
    credentials (left out). ``GET /sessions/live`` is public and takes nothing."""
    return bool(list(op.iter_parameters()) or len(op.body) or op.definition.raw.get("security") != [])


def _cases() -> list[Any]:
    out = []
    for operation_id in sorted(OPERATIONS):
        modes = [GenerationMode.POSITIVE]
        if _can_be_invalid(OPERATIONS[operation_id]):
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            reason = SPEC_GAPS.get((operation_id, mode))
            marks = [pytest.mark.xfail(strict=True, reason=f"spec gap: {reason}")] if reason else []
            out.append(pytest.param(operation_id, mode, marks=marks, id=f"{operation_id}-{mode.value}"))
    return out


@pytest.mark.parametrize(("operation_id", "mode"), _cases())
def test_operation_conforms_to_the_spec(live: Live, operation_id: str, mode: GenerationMode) -> None:
    op = OPERATIONS[operation_id]
    live.portal.call(live.restore)
    ids = live.ids
    base_url = live.sandbox.url + urlsplit(op.base_url).path.rstrip("/")
    sent: list[int] = []
    checks = CHECKS[mode]
    if _multipart_only(op):
        # Every multipart field is text on the wire: a "boolean" that schemathesis puts where a
        # string belongs arrives as the valid string "true", so its rejection cannot be expected.
        checks = [c for c in checks if c is not negative_data_rejection]

    @SETTINGS
    @given(case=_strategy(op, mode, ids))
    def check(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, session=live.http, timeout=10)
        sent.append(response.status_code)
        case.validate_response(response, checks=checks)

    check()
    assert sent, "no example was generated"


def test_every_operation_is_exercised() -> None:
    cases = {p.values[0] for p in _cases()}
    assert cases == set(OPERATIONS) and len(OPERATIONS) >= 127
    assert len([p for p in _cases() if p.values[1] is GenerationMode.NEGATIVE]) >= 125
