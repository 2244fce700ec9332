"""A validation error names its field once: the sandbox's error items carry the field apart from the
message (``{"field": "title", "message": "…too short"}``), and the client joins the two."""

from __future__ import annotations

import httpx2
import pytest

import onstage
from onstage._errors import make_status_error
from onstage.testing import Sandbox

pytestmark = pytest.mark.anyio


async def test_webinar_422_items_do_not_repeat_the_field(sb: Sandbox) -> None:
    async with httpx2.AsyncClient(base_url=sb.url, headers={"X-API-Key": "wb-sandbox-key"}) as http:
        response = await http.post("/v1/webinar/rooms", json={"title": "Q3"})
        missing = await http.post("/v1/webinar/rooms", json={})
    assert response.status_code == 422
    [item] = response.json()["errors"]
    assert item["field"] == "title" and item["code"] == "validation_invalid"
    assert not item["message"].startswith("title") and "'Q3' is too short" in item["message"]
    [item] = missing.json()["errors"]
    assert item == {"field": "title", "code": "validation_required", "message": "This field is required."}
    with pytest.raises(onstage.UnprocessableEntityError) as info:
        await sb.webinar().rooms.create(title="Q3")
    assert str(info.value).count("title") == 1, str(info.value)


async def test_realtimekit_and_tpstreams_name_the_field_once(sb: Sandbox) -> None:
    with pytest.raises(onstage.BadRequestError) as rtk_info:
        await sb.realtimekit().recordings.set_state("abc", action="explode")  # type: ignore[arg-type]
    assert str(rtk_info.value).count("action") == 1, str(rtk_info.value)
    async with httpx2.AsyncClient(
        base_url=sb.url, headers={"Authorization": "Token tp-sandbox-token"}
    ) as http:
        response = await http.post("/api/v1/org1/assets/live_streams/", json={})
    assert response.status_code == 400 and response.json() == {"title": ["This field is required."]}
    error = make_status_error(response, response.json())
    assert str(error).count("title") == 1, str(error)
