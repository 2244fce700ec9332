"""``python -m scripts.fidelity``: operations per evidence level and the inferred marks, per API."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

from scripts import fidelity
from scripts.codegen.paths import SPEC
from scripts.codegen.spec import load_spec


def _op(operation_id: str, tag: str, **extra: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "tags": [tag], "responses": {"200": {"description": "ok"}}, **extra}


SYNTHETIC: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/accounts/{account_id}/realtime/kit/{app_id}/meetings": {
            "get": _op("list", "realtimekit-meetings", **{"x-onstage-evidence": "official"}),
            "post": _op("make", "realtimekit-meetings"),  # no evidence
        },
        "/api/v1/{organization_id}/assets/": {
            "parameters": [{"name": "shared", "in": "query", "x-onstage-inferred": "path-level guess"}],
            "get": _op(
                "tp_list",
                "tpstreams-assets",
                **{
                    "x-onstage-evidence": "inferred",
                    "x-onstage-inferred": "method not stated",
                    "description": "Lists.",
                    "parameters": [{"name": "q", "in": "query", "x-onstage-inferred": "third-party code"}],
                },
            ),
        },
        "/rooms": {"get": _op("webinar_list", "webinar-rooms", **{"x-onstage-evidence": "docs"})},
    },
    "components": {
        "schemas": {
            "webinar_Room": {"properties": {"title": {"type": "string", "x-onstage-inferred": "a guess"}}},
            "tpstreams_Mode": {"type": "string", "x-onstage-inferred": "values only"},
        },
        "parameters": {"realtimekit_filters": {"name": "filters", "x-onstage-inferred": "shape guessed"}},
    },
}


def test_counts_and_marks_per_api() -> None:
    rtk, tp, wb = fidelity.measure(SYNTHETIC)
    assert (rtk.api, rtk.total, rtk.operations) == (
        "realtimekit",
        2,
        {"official": 1, "docs": 0, "inferred": 0},
    )
    assert rtk.unmarked == ["POST /accounts/{account_id}/realtime/kit/{app_id}/meetings (make)"]
    assert rtk.inferred_fields == [("parameter realtimekit_filters", "shape guessed")]
    assert tp.operations == {"official": 0, "docs": 0, "inferred": 1}
    assert tp.inferred_operations == [
        ("GET /api/v1/{organization_id}/assets/ (tp_list)", "method not stated")
    ]
    assert sorted(tp.inferred_fields) == [
        ("/api/v1/{organization_id}/assets/ parameter shared", "path-level guess"),
        ("tp_list parameter q", "third-party code"),
        ("tpstreams_Mode", "values only"),
    ]
    assert wb.operations["docs"] == 1 and wb.inferred_fields == [("webinar_Room.title", "a guess")]


def test_text_report() -> None:
    text = fidelity._text(fidelity.measure(SYNTHETIC))
    lines = text.splitlines()
    assert lines[0] == (
        "realtimekit: 2 operations: 1 official SDK, 0 docs, 0 inferred; 1 parameters/fields marked inferred"
    )
    assert "  no evidence: POST /accounts/{account_id}/realtime/kit/{app_id}/meetings (make)" in lines
    assert "  inferred operation: GET /api/v1/{organization_id}/assets/ (tp_list): method not stated" in lines
    assert "  inferred: tp_list parameter q: third-party code" in lines
    assert lines[-1] == (
        "total: 2 of 4 operations backed by the official SDK or docs; 5 parameters/fields rest on inference"
    )


def test_exit_status_and_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(fidelity, "measure", functools.partial(fidelity.measure, SYNTHETIC))
    assert fidelity.main(["--format", "json"]) == 1  # `make` has no evidence
    rtk, tp, wb = json.loads(capsys.readouterr().out)
    assert (rtk["total"], tp["total"], wb["total"]) == (2, 1, 1)
    assert rtk["unmarked"] == ["POST /accounts/{account_id}/realtime/kit/{app_id}/meetings (make)"]


def test_the_spec_report(capsys: pytest.CaptureFixture[str]) -> None:
    reports = {r.api: r for r in fidelity.measure()}
    assert {api: r.total for api, r in reports.items()} == {"realtimekit": 62, "tpstreams": 40, "webinar": 25}
    official = {api: r.operations["official"] for api, r in reports.items()}
    assert official == {"realtimekit": 54, "tpstreams": 0, "webinar": 0}  # test_fidelity: the SDK's 54 routes
    assert [name for r in reports.values() for name in r.unmarked] == []
    listed = sum(len(r.inferred_fields) + len(r.inferred_operations) for r in reports.values())
    assert listed == len(list(fidelity.marks(load_spec(SPEC))))  # every mark of the spec is listed, each once
    fields = dict(f for r in reports.values() for f in r.inferred_fields)
    assert "tp_list_assets parameter q" in fields and "tp_get_asset parameter expiry" in fields
    assert fidelity.main([]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("realtimekit: 62 operations: 54 official SDK, ")
    assert (
        "inferred operation: PATCH /api/v1/{organization_id}/assets/{asset_id}/access_tokens/{code}/" in out
    )
