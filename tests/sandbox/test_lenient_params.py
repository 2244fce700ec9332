"""Where the references disagree, the sandbox accepts what any of them accepts (rule 14 of
openapi/README.md): RealtimeKit's peer-report ``filters`` is one value for S1 and the official SDK (what
the spec describes and onstage sends) and a comma-separated list for S3 (``x-onstage-lenient:
comma-separated``)."""

from __future__ import annotations

import httpx2
import pytest

from onstage.testing import Sandbox

pytestmark = pytest.mark.anyio

AUTH = {"Authorization": "Bearer rtk-sandbox-token"}


@pytest.mark.parametrize(
    ("filters", "status"),
    [
        ("device_info", 200),
        ("device_info,events,quality_stats", 200),
        ("bogus", 400),
        ("device_info,bogus", 400),
        ("device_info events", 400),
    ],
)
async def test_peer_report_filters_one_value_or_a_comma_separated_list(filters: str, status: int) -> None:
    async with Sandbox() as sb:
        rtk = sb.realtimekit()
        meeting = await rtk.meetings.create(title="Report")
        sb.join("acc-1", "app-1", meeting.id, custom_participant_id="u1")
        active = await rtk.active_session.get(meeting.id)
        peer = (await rtk.sessions.participants.list(active.id).to_list())[0].id
        assert await rtk.sessions.get_peer_report(peer, filters="events") is not None  # onstage: one value
        path = f"/client/v4/accounts/acc-1/realtime/kit/app-1/sessions/peer-report/{peer}"
        async with httpx2.AsyncClient(base_url=sb.url, headers=AUTH) as http:
            response = await http.get(path, params={"filters": filters})
        assert response.status_code == status, response.text
        if status == 400:
            assert "filters" in response.text
