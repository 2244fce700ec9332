"""openapi/onstage.yaml: valid OpenAPI 3.1, complete, and following the rules in openapi/README.md."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from onstage._openapi import operations
from onstage.testing._spec import load_spec

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "onstage.yaml"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec(SPEC_PATH)


def ops(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, dict(op)) for path, method, op, _ in operations(spec)]


def test_spec_validates(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_operation_counts(spec: dict[str, Any]) -> None:
    counts = Counter(o["tags"][0].split("-")[0] for _, _, o in ops(spec))
    assert counts == {"realtimekit": 62, "webinar": 25, "tpstreams": 40}


def test_every_operation_is_complete(spec: dict[str, Any]) -> None:
    ids = [o["operationId"] for _, _, o in ops(spec)]
    assert len(ids) == len(set(ids))
    for path, method, op in ops(spec):
        where = f"{method.upper()} {path}"
        assert len(op["tags"]) == 1, where
        assert op.get("summary"), where
        codes = set(map(str, op["responses"]))
        assert any(c.startswith("2") for c in codes), where
        assert any(c[0] in "45" for c in codes), f"{where} documents no error response"
        xo = op["x-onstage"]
        assert xo["resource"] and xo["method"], where
        if "paginate" in xo:
            assert xo["paginate"]["style"] in {"page_no", "next", "page", "single"}, where


def test_servers_and_security_per_api(spec: dict[str, Any]) -> None:
    servers = {
        "realtimekit": "https://api.cloudflare.com/client/v4",
        "tpstreams": "https://app.tpstreams.com",
        "webinar": "https://api.tenbyte.io/v1/webinar",
    }
    for path, _method, op in ops(spec):
        api = op["tags"][0].split("-")[0]
        assert spec["paths"][path]["servers"][0]["url"] == servers[api], path
        if api == "tpstreams":
            assert path.endswith("/"), path
        schemes = {name for req in op.get("security", []) for name in req}
        assert all(s.startswith(api) for s in schemes), path


def test_write_only_secrets(spec: dict[str, Any]) -> None:
    props = spec["components"]["schemas"]["realtimekit_StorageConfig"]["properties"]
    for name in ("access_key", "secret", "password", "private_key"):
        assert props[name].get("writeOnly") is True, name


def test_documented_limits(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    keep_alive = schemas["realtimekit_CreateMeetingRequest"]["properties"]["session_keep_alive_time_in_secs"]
    assert (keep_alive["minimum"], keep_alive["maximum"]) == (60, 600)
    start = schemas["realtimekit_StartRecordingRequest"]["properties"]["max_seconds"]
    assert (start["minimum"], start["maximum"]) == (60, 86400)


def test_live_stream_status_is_the_documented_open_set(spec: dict[str, Any]) -> None:
    values = set(spec["components"]["schemas"]["tpstreams_LiveStreamStatus"]["enum"])
    assert {
        "Not Started",
        "Streaming",
        "Recording",
        "Disconnected",
        "Stopped",
        "Completed",
        "Error",
        "Available",
    } <= values


def test_start_session_response_shape(spec: dict[str, Any]) -> None:
    props = spec["components"]["schemas"]["webinar_StartSessionResponse"]["properties"]
    assert {"session", "livekit_token", "rtmp", "rtmp_setup", "whip_url"} <= set(props)
