"""``python -m scripts.fidelity``: operations per evidence level and the inferred marks, per API."""

from __future__ import annotations

from typing import Any

import pytest

from scripts import fidelity
from scripts.doc_coverage import inferred_marks


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


def test_the_spec_report(capsys: pytest.CaptureFixture[str]) -> None:
    reports = {r.api: r for r in fidelity.measure()}
    assert {api: r.total for api, r in reports.items()} == {"realtimekit": 62, "tpstreams": 40, "webinar": 25}
    assert reports["tpstreams"].operations["official"] == reports["webinar"].operations["official"] == 0
    assert reports["realtimekit"].operations["official"] + len(reports["realtimekit"].unmarked) >= 52
    marks = sum(len(r.inferred_fields) + len(r.inferred_operations) for r in reports.values())
    assert marks == inferred_marks()  # every mark of the spec is listed, each once
    fields = dict(f for r in reports.values() for f in r.inferred_fields)
    assert "tp_list_assets parameter q" in fields and "tp_get_asset parameter expiry" in fields
    code = fidelity.main([])
    out = capsys.readouterr().out
    assert code == (1 if any(r.unmarked for r in reports.values()) else 0)
    assert out.splitlines()[0].startswith("realtimekit: 62 operations: ")
    assert (
        "inferred operation: PATCH /api/v1/{organization_id}/assets/{asset_id}/access_tokens/{code}/" in out
    )
