"""openapi/onstage.yaml says what each operation rests on and follows its references where they agree
(issue 15, "Fidelity"): the evidence of every operation (rule 13 of openapi/README.md), details that rest on
guesses are marked or gone, and the Webinar models are as nullable as Tenbyte's published schemas."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import cloudflare  # pinned in the dev extra: a missing SDK fails here rather than skipping the count
import pytest

from onstage._openapi import operations, resolve
from onstage.testing._spec import load_spec
from scripts.fidelity import EVIDENCE, LEVELS, MARK

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "onstage.yaml"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return load_spec(SPEC_PATH)


def _op(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    for _path, _method, op, _item in operations(spec):
        if op["operationId"] == operation_id:
            return dict(op)
    raise KeyError(operation_id)


def _param(spec: dict[str, Any], operation_id: str, name: str) -> dict[str, Any]:
    params = [resolve(spec, p) for p in _op(spec, operation_id).get("parameters") or []]
    (found,) = [p for p in params if p["name"] == name]
    return dict(found)


def _route(method: str, path: str) -> str:
    """``METHOD /path/{}/…``: a route with its parameter names left out (the SDK and the spec name some
    parameters differently, ``{livestream_session_id}`` and ``{livestream-session-id}``)."""
    return f"{method.upper()} " + re.sub(r"\{[^}]+\}", "{}", path)


# -- D: evidence ----------------------------------------------------------------------------------------


def test_every_operation_says_what_it_rests_on(spec: dict[str, Any]) -> None:
    problems = []
    for path, method, op, _item in operations(spec):
        where = f"{op['operationId']} ({method.upper()} {path})"
        api = op["tags"][0].split("-")[0]
        level = op.get(EVIDENCE)
        if level not in LEVELS:
            problems.append(f"{where}: {EVIDENCE} is {level!r}, not one of {list(LEVELS)}")
            continue
        if level == "official" and api != "realtimekit":
            problems.append(f"{where}: only RealtimeKit has an official SDK")
        if (level == "inferred") != (MARK in op):
            problems.append(f"{where}: {EVIDENCE} inferred goes with an operation-level {MARK} reason")
    assert not problems, "\n".join(problems)


def _official_routes() -> set[str]:
    """Every ``METHOD /path`` the official Cloudflare SDK's RealtimeKit resources call."""
    root = Path(cloudflare.__file__).parent / "resources" / "realtime_kit"
    routes: set[str] = set()
    for module in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            verb = {"_get": "get", "_get_api_list": "get", "_post": "post", "_put": "put"}.get(
                node.func.attr, node.func.attr.strip("_")
            )
            template = node.args[0]
            if (
                verb in {"get", "post", "put", "patch", "delete"}
                and isinstance(template, ast.Call)
                and getattr(template.func, "id", "") == "path_template"
                and isinstance(template.args[0], ast.Constant)
            ):
                routes.add(_route(verb, str(template.args[0].value)))
    return routes


def test_official_means_in_the_official_sdk(spec: dict[str, Any]) -> None:
    sdk = _official_routes()
    assert len(sdk) == 54
    official = {
        _route(method, path) for path, method, op, _item in operations(spec) if op.get(EVIDENCE) == "official"
    }
    assert official == sdk


# -- B: details that rest on guesses ------------------------------------------------------------------


@pytest.mark.parametrize("operation_id", ["webinar_set_host_video_state", "webinar_set_host_audio_state"])
def test_host_media_state_sends_no_invented_body(spec: dict[str, Any], operation_id: str) -> None:
    # webinar.md §6 rows 22-23 and §12.2: no request schema is published (live-api.json declares no
    # requestBody), and no prose describes one.
    assert "requestBody" not in _op(spec, operation_id)
    assert "webinar_HostMediaStateRequest" not in spec["components"]["schemas"]


def test_access_token_update_method_is_marked_inferred(spec: dict[str, Any]) -> None:
    op = _op(spec, "tp_update_access_token")  # tpstreams.md §4 row 32, §8.4: the method is not stated
    assert op.get(EVIDENCE) == "inferred" and "PATCH" in op[MARK]


def test_asset_detail_expiry_is_marked(spec: dict[str, Any]) -> None:
    # The docs' "Fields" table types `expiry` as a string, their sample body sends 300, and on a GET
    # (tpstreams.md §4 row 8, §8.8): the integer query parameter rests on inference.
    assert MARK in _param(spec, "tp_get_asset", "expiry")


def test_search_text_from_third_party_code_is_marked(spec: dict[str, Any]) -> None:
    assert MARK in _param(spec, "tp_list_assets", "q")  # tpstreams.md §7, §8.3: third-party code only


# -- C: nullability as published -------------------------------------------------------------------------

#: Tenbyte's live-api.json (@827bda9) types these as plain strings (no `nullable`, no `required`):
#: optional, and never `null` (webinar.md §7.8).
WEBINAR_NON_NULLABLE = {
    "webinar_Room": ["description", "active_session_id"],
    "webinar_Session": ["description", "started_at", "ended_at", "scheduled_start_time"],
}


def test_webinar_fields_are_as_nullable_as_published(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name, fields in WEBINAR_NON_NULLABLE.items():
        for field in fields:
            prop = schemas[name]["properties"][field]
            assert prop.get("type") == "string", f"{name}.{field}: {prop}"
            assert field not in schemas[name].get("required", [])
