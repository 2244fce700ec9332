"""Every operation in the spec is routed, answered and (on success) matches its response schema."""

from __future__ import annotations

import json

import httpx2
import pytest

from onstage._apis import APIS
from onstage.testing import Sandbox
from onstage.testing._services import SERVICES

pytestmark = pytest.mark.anyio

AUTH = {
    "realtimekit": {"Authorization": "Bearer rtk-sandbox-token"},
    "tpstreams": {"Authorization": "Token tp-sandbox-token"},
    "webinar": {"X-API-Key": "wb-sandbox-key"},
}


async def test_every_operation_has_a_handler(sb: Sandbox) -> None:
    assert len(sb.spec.operations) >= 127
    assert set(sb.core.handlers) == set(sb.spec.operations)
    stateful = {op_id for s in SERVICES for op_id in s.handlers} & set(sb.spec.operations)
    assert len(stateful) >= 110  # nearly every operation has real state behind it


async def test_every_operation_answers_per_spec(sb: Sandbox) -> None:
    faker = sb.world.faker
    answered: dict[str, int] = {}
    async with httpx2.AsyncClient(base_url=sb.url) as http:
        for op in sb.spec.operations.values():
            path = op.path
            for param in op.params:
                if param.location == "path":
                    value = {"account_id": "acc-1", "app_id": "app-1", "organization_id": "org1"}.get(
                        param.name
                    )
                    schema = sb.spec.deref(param.schema)
                    if value is None:
                        value = (
                            str(faker.make(schema, param.name)) if schema.get("type") != "integer" else "1"
                        )
                    path = path.replace("{" + param.name + "}", value)
            kwargs: dict[str, object] = {"headers": AUTH[op.api]}
            if op.body_schema is not None and op.body_type == "application/json":
                kwargs["content"] = json.dumps(faker.make(op.body_schema))
                kwargs["headers"] = {**AUTH[op.api], "content-type": "application/json"}
            elif op.body_type and op.body_type.startswith("multipart/"):
                kwargs["files"] = {"subtitle": ("a.vtt", b"WEBVTT\n"), "thumbnail": ("t.png", b"png")}
            response = await http.request(op.method, APIS[op.api].path_prefix + path, **kwargs)  # type: ignore[arg-type]
            answered[op.id] = response.status_code
            assert response.status_code < 500, (op.id, response.text)
            assert response.status_code in (op.success_status, 400, 403, 404, 409, 422), (
                op.id,
                response.text,
            )
            if response.status_code == op.success_status and op.response_schema is not None:
                errors = sb.spec.schema_errors(op.response_schema, response.json())
                assert errors == [], (op.id, errors)
    assert len(answered) == len(sb.spec.operations)
    assert sum(1 for s in answered.values() if 200 <= s < 300) >= 30


async def test_unknown_routes_use_each_api_shape(sb: Sandbox) -> None:
    async with httpx2.AsyncClient(base_url=sb.url) as http:
        rtk = await http.get("/client/v4/accounts/acc-1/realtime/kit/app-1/nope", headers=AUTH["realtimekit"])
        assert rtk.status_code == 404 and rtk.json()["error"]["code"] == 404
        tp = await http.get("/api/v1/org1/nope/", headers=AUTH["tpstreams"])
        assert tp.status_code == 404 and tp.text == "The requested resource was not found on this server."
        assert tp.headers["content-type"].startswith("text/plain")
        wb = await http.get("/v1/webinar/nope", headers=AUTH["webinar"])
        assert wb.status_code == 404 and wb.json()["success"] is False
        wrong_method = await http.put("/v1/webinar/sessions/stats", headers=AUTH["webinar"])
        assert wrong_method.status_code == 405
        other = await http.get("/elsewhere")
        assert (
            other.status_code == 404 and other.text == "The requested resource was not found on this server."
        )


async def test_http_control_api(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Remote control")
    async with httpx2.AsyncClient(base_url=sb.url) as http:
        joined = await http.post(
            "/_sandbox/join",
            json={
                "account_id": "acc-1",
                "app_id": "app-1",
                "meeting_id": meeting.id,
                "custom_participant_id": "x",
            },
        )
        assert joined.status_code == 200 and joined.json()["custom_participant_id"] == "x"
        assert (await rtk.active_session.get(meeting.id)).live_participants == 1
        count = await http.get("/_sandbox/count", params={"key": "POST /meetings"})
        assert count.json()["count"] == 1
        requests = (await http.get("/_sandbox/requests")).json()
        assert [r["operation_id"] for r in requests][:2] == ["create_meeting", "GetActiveSession"]
        missing = await http.post(
            "/_sandbox/leave",
            json={
                "account_id": "acc-1",
                "app_id": "app-1",
                "meeting_id": meeting.id,
                "custom_participant_id": "nobody",
            },
        )
        assert missing.status_code == 404
        added = await http.post("/_sandbox/faults", json={"route": "GET /meetings", "kind": "500"})
        assert added.status_code == 201
        assert (await http.delete("/_sandbox/faults")).status_code == 200
        assert (await http.post("/_sandbox/reset")).status_code == 200
    assert await rtk.meetings.list().to_list() == []
    assert sb.requests[-1].operation_id == "get_all_meetings"
