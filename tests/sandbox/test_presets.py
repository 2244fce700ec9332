"""Presets are checked as the real services check them: a RealtimeKit participant needs a preset the
app has (its six defaults or one made through the presets API), a Webinar session a preset the
account has (the sandbox seeds ``Sandbox.webinar_preset_ids``)."""

from __future__ import annotations

import uuid

import httpx2
import pytest

import onstage
from onstage.testing import Sandbox

pytestmark = pytest.mark.anyio

RTK_AUTH = {"Authorization": "Bearer rtk-sandbox-token"}
WB_AUTH = {"X-API-Key": "wb-sandbox-key"}


@pytest.mark.parametrize("name", ["nosuchpreset", "host", "Group_Call_Host"])
async def test_realtimekit_participant_with_an_unknown_preset_is_refused(sb: Sandbox, name: str) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Presets")
    with pytest.raises(onstage.BadRequestError) as info:
        await rtk.meetings.participants.add(meeting.id, custom_participant_id="u1", preset_name=name)
    assert "No preset found" in str(info.value) and repr(name) in str(info.value)
    assert await rtk.meetings.participants.list(meeting.id).to_list() == []
    path = f"/client/v4/accounts/acc-1/realtime/kit/app-1/meetings/{meeting.id}/participants"
    async with httpx2.AsyncClient(base_url=sb.url, headers=RTK_AUTH) as http:
        response = await http.post(path, json={"custom_participant_id": "u1", "preset_name": name})
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == 400
    assert body["error"]["message"].startswith("No preset found")


async def test_realtimekit_edit_and_replace_check_the_preset_too(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Presets")
    host = await rtk.meetings.participants.add(
        meeting.id, custom_participant_id="u1", preset_name="group_call_host"
    )
    with pytest.raises(onstage.BadRequestError, match="No preset found"):
        await rtk.meetings.participants.update(meeting.id, host.id, preset_name="host")
    with pytest.raises(onstage.BadRequestError, match="No preset found"):
        await rtk.meetings.participants.replace(
            meeting.id, host.id, custom_participant_id="u1", preset_name="nosuchpreset"
        )
    assert (await rtk.meetings.participants.get(meeting.id, host.id)).preset_name == "group_call_host"


async def test_realtimekit_presets_made_through_the_api_are_known(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    first = (await rtk.presets.list().to_list())[0].id
    assert first is not None
    base = await rtk.presets.get(first)
    assert base.permissions is not None
    created = await rtk.presets.create(
        name="host", config=base.config, permissions=base.permissions, ui=base.ui
    )
    meeting = await rtk.meetings.create(title="Presets")
    host = await rtk.meetings.participants.add(meeting.id, custom_participant_id="u1", preset_name="host")
    assert host.preset_name == "host"
    deleted = await rtk.meetings.participants.delete(meeting.id, host.id)
    assert deleted.preset_id == created.id
    await rtk.presets.delete(created.id)
    with pytest.raises(onstage.BadRequestError, match="No preset found"):
        await rtk.meetings.participants.add(meeting.id, custom_participant_id="u2", preset_name="host")
    # another app has only its own presets (the six defaults)
    await rtk.presets.create(name="custom", config=base.config, permissions=base.permissions, ui=base.ui)
    other = sb.realtimekit(app_id="app-2")
    elsewhere = await other.meetings.create(title="Elsewhere")
    with pytest.raises(onstage.BadRequestError, match="No preset found"):
        await other.meetings.participants.add(elsewhere.id, custom_participant_id="u1", preset_name="custom")


async def test_realtimekit_join_control_checks_the_preset(sb: Sandbox) -> None:
    rtk = sb.realtimekit()
    meeting = await rtk.meetings.create(title="Presets")
    with pytest.raises(ValueError, match="nosuchpreset"):
        sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1", preset_name="nosuchpreset")
    peer = sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1", preset_name="webinar_viewer")
    assert peer["preset_name"] == "webinar_viewer"


async def test_webinar_seeded_presets_are_discoverable_and_accepted(sb: Sandbox) -> None:
    ids = sb.webinar_preset_ids
    assert len(ids) >= 2 and len(set(ids)) == len(ids)
    assert all(str(uuid.UUID(i)) == i for i in ids)
    assert Sandbox().webinar_preset_ids == ids  # fixed: the same in every sandbox, before it runs
    wb = sb.webinar()
    room = await wb.rooms.create(title="Presets")
    types = set()
    for preset_id in ids:
        created = await wb.rooms.sessions.create(room.id, title="Seeded preset", preset_id=preset_id)
        preset = created.session.preset if created.session is not None else None
        assert preset is not None and preset.id == preset_id
        types.add(str(preset.type_))
    assert types == {"whip", "rtmp"}
    sb.reset()  # the seeded presets are back with the rest of the state
    room = await wb.rooms.create(title="After reset")
    await wb.rooms.sessions.create(room.id, title="Seeded preset", preset_id=ids[0])


async def test_webinar_unknown_preset_is_refused(sb: Sandbox) -> None:
    wb = sb.webinar()
    room = await wb.rooms.create(title="Presets")
    unknown = "0b5b1f52-7c8e-4d8a-9a51-2f0c6a3e9b10"
    with pytest.raises(onstage.UnprocessableEntityError) as info:
        await wb.rooms.sessions.create(room.id, title="Unknown preset", preset_id=unknown)
    assert "preset_id" in str(info.value)
    assert await wb.rooms.sessions.list(room.id).to_list() == []
    async with httpx2.AsyncClient(base_url=sb.url, headers=WB_AUTH) as http:
        response = await http.post(
            f"/v1/webinar/rooms/{room.id}/sessions", json={"title": "Unknown preset", "preset_id": unknown}
        )
    assert response.status_code == 422
    body = response.json()
    assert body["success"] is False and body["message"] == "Invalid Request"
    [error] = body["errors"]
    assert error["field"] == "preset_id" and error["code"] == "validation_invalid"
    assert unknown in error["message"]
