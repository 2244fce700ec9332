"""The templates' output on a tiny spec is committed (golden/) and must match byte for byte; then the
generated code is imported and exercised."""

from __future__ import annotations

import datetime
import importlib
import sys
import types
from pathlib import Path

import httpx2
import pytest

from tests.generator._tiny import GOLDEN, generate_tiny, tree


def test_golden_output_matches(tmp_path: Path) -> None:
    generate_tiny(tmp_path / "out")
    fresh, golden = tree(tmp_path / "out"), tree(GOLDEN)
    assert sorted(fresh) == sorted(golden)
    changed = [name for name in fresh if fresh[name] != golden[name]]
    assert not changed, (
        f"templates changed the golden output of {changed}; run python -m tests.generator._tiny"
    )


@pytest.fixture(scope="module")
def tiny() -> types.SimpleNamespace:
    # Mount golden/ as the package onstage._golden so its relative imports reach the onstage runtime.
    import onstage

    pkg = types.ModuleType("onstage._golden")
    pkg.__path__ = [str(GOLDEN)]
    sys.modules["onstage._golden"] = pkg
    onstage._golden = pkg  # type: ignore[attr-defined]
    return types.SimpleNamespace(
        models=importlib.import_module("onstage._golden.tiny.models"),
        api=importlib.import_module("onstage._golden.tiny.api.widgets"),
        resources=importlib.import_module("onstage._golden.tiny.resources"),
    )


def test_unknown_enum_value_and_unknown_field_are_kept(tiny: types.SimpleNamespace) -> None:
    raw = {
        "id": "w1",
        "color": "ultraviolet",
        "created_at": "2026-11-22T10:00:00Z",
        "parts": [{"name": "bolt", "weight": None, "finish": "matte"}],
        "brand_new_field": {"x": 1},
        "secret_code": "s3cr3t-value",
    }
    widget = tiny.models.Widget.from_dict(raw)
    assert widget.color == "ultraviolet" and not widget.color.is_known
    assert tiny.models.Color("red").is_known
    assert widget.created_at == datetime.datetime(2026, 11, 22, 10, tzinfo=datetime.UTC)
    assert widget.parts[0].name == "bolt" and widget.parts[0].weight is None
    assert widget.parts[0].additional_properties == {"finish": "matte"}
    assert widget.additional_properties == {"brand_new_field": {"x": 1}}
    assert widget["brand_new_field"] == {"x": 1}
    assert widget.label is None  # absent optional fields are None, no Unset type
    assert widget.to_dict()["brand_new_field"] == {"x": 1}
    assert widget.to_dict()["color"] == "ultraviolet"
    assert "s3cr3t-value" not in repr(widget)


def test_from_dict_does_not_copy_the_payload(tiny: types.SimpleNamespace) -> None:
    raw = {"id": "w1", "color": "red", "created_at": "2026-11-22T10:00:00+00:00"}
    widget = tiny.models.Widget.from_dict(raw)
    assert widget._raw is raw


def test_missing_required_field_is_an_error(tiny: types.SimpleNamespace) -> None:
    with pytest.raises(KeyError):
        tiny.models.Widget.from_dict({"color": "red"})


class _Client:
    """Stands in for BaseClient: records what the endpoint asked for."""

    def __init__(self) -> None:
        self.calls: list[dict[str, object]] = []

    async def _request(self, op, path, parse, **kw):  # type: ignore[no-untyped-def]
        self.calls.append({"op": op, "path": path, **kw})
        return parse({"id": "w1", "color": "green", "created_at": "2026-01-01T00:00:00Z"})


@pytest.mark.anyio
async def test_request_carries_per_call_headers_and_timeout(tiny: types.SimpleNamespace) -> None:
    from onstage._options import make_options

    client = _Client()
    options = make_options(3.5, 0, {"X-Trace": "t-1"}, {"debug": "1"})
    widget = await tiny.api.create_widget(
        client, "org 1", body={"color": tiny.models.Color.GREEN, "label": "x"}, options=options
    )
    call = client.calls[0]
    assert call["path"] == "/orgs/org%201/widgets"
    assert call["json"] == {"color": "green", "label": "x"}
    assert call["options"].timeout in (3.5, httpx2.Timeout(3.5))
    assert call["options"].extra_headers == {"X-Trace": "t-1"}
    assert call["op"].method == "POST" and not call["op"].idempotent
    assert widget.color is tiny.models.Color.GREEN


@pytest.mark.anyio
async def test_generated_endpoint_through_real_runtime(tiny: types.SimpleNamespace) -> None:
    """Per-call headers and timeout reach the httpx2 request without mutating the shared client."""
    from onstage import RealtimeKit
    from onstage._options import make_options

    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(
            200, json={"success": True, "data": {"id": "w9", "color": "red", "created_at": "2026-01-01"}}
        )

    http = httpx2.AsyncClient(transport=httpx2.MockTransport(handler))
    async with RealtimeKit(api_token="tok-xyz", http_client=http) as rtk:
        opts = make_options(httpx2.Timeout(2.0), 0, {"X-Trace": "abc"}, None)
        res = await tiny.api.get_widget(rtk, "o", "w9", options=opts)
    assert res.parsed.id == "w9"
    assert seen[0].headers["X-Trace"] == "abc"
    assert seen[0].extensions["timeout"]["read"] == 2.0
    assert "X-Trace" not in http.headers
    await http.aclose()
