from __future__ import annotations

import datetime

import anyio
import httpx2
import pytest

import onstage
from onstage.testing import Sandbox

pytestmark = pytest.mark.anyio

VIDEO = {
    "title": "Intro",
    "inputs": [{"url": "https://example.com/intro.mp4"}],
    "resolutions": ["240p", "720p"],
}


async def test_instant_live_stream_lifecycle() -> None:
    async with Sandbox(server_start_delay=0.2) as sb:
        tp = sb.tpstreams()
        asset = await tp.live_streams.create(title="Instant")
        assert asset.type_ == "livestream" and asset.live_stream is not None
        assert asset.live_stream.status == "Not Started" and not asset.live_stream.rtmp_url
        ready = await tp.live_streams.wait_until_ready(asset.id, timeout=5, interval=0.05)
        assert ready.live_stream is not None and ready.live_stream.rtmp_url and ready.live_stream.stream_key
        assert ready.live_stream.status == "Not Started"
        assert sb.encoder_connect("org1", asset.id)["live_stream"]["status"] == "Streaming"
        assert (await tp.live_streams.get(asset.id)).live_stream.status == "Streaming"  # type: ignore[union-attr]
        stopped = await tp.live_streams.stop(asset.id)
        assert stopped.message
        assert (await tp.live_streams.get(asset.id)).live_stream.status == "Stopped"  # type: ignore[union-attr]
        await anyio.sleep(0.2)
        done = await tp.assets.get(asset.id)
        assert (
            done.live_stream is not None and done.live_stream.status == "Completed" and done.video is not None
        )
        with pytest.raises(onstage.BadRequestError):
            await tp.live_streams.stop(asset.id)
        await tp.live_streams.delete(asset.id)
        with pytest.raises(onstage.NotFoundError):
            await tp.live_streams.get(asset.id)


async def test_scheduled_live_stream_needs_start_server(sb: Sandbox) -> None:
    tp = sb.tpstreams()
    asset = await tp.live_streams.create(title="Later", start=datetime.datetime(2030, 1, 1, 10, 0))
    assert asset.live_stream is not None and asset.live_stream.start == "2030-01-01 10:00:00"
    await anyio.sleep(0.1)
    with pytest.raises(onstage.WaitTimeoutError):
        await tp.live_streams.wait_until_ready(asset.id, timeout=0.2, interval=0.05)
    with pytest.raises(RuntimeError):
        sb.encoder_connect("org1", asset.id)
    await tp.live_streams.start_server(asset.id)
    ready = await tp.live_streams.wait_until_ready(asset.id, timeout=5, interval=0.05)
    assert ready.live_stream is not None and ready.live_stream.stream_key
    sb.encoder_connect("org1", asset.id)
    assert sb.encoder_disconnect("org1", asset.id)["live_stream"]["status"] == "Disconnected"
    assert len(await tp.live_streams.list().to_list()) == 1


async def test_assets_pagination_folders_and_more(sb: Sandbox) -> None:
    tp = sb.tpstreams()
    folder = await tp.folders.create(title="Course")
    sub = await tp.folders.create(title="Week 1", parent=folder.uuid)
    assert [f.title for f in await tp.folders.list(q="week").to_list()] == ["Week 1"]
    videos = await tp.assets.videos.bulk_create([{**VIDEO, "title": f"Video {i}"} for i in range(50)])
    videos += [
        await tp.assets.videos.create(**{**VIDEO, "title": f"Extra {i}", "folder": sub.uuid})
        for i in range(70)
    ]
    first = await tp.assets.list().first_page()
    assert len(first) == 50 and first.total == 122
    assert first.response.body["next"].startswith(sb.url) and "offset=50" in first.response.body["next"]
    everything = await tp.assets.list().to_list()
    assert len(everything) == 122 and len({a.id for a in everything}) == 122
    assert len(await tp.assets.list(limit=7).to_list()) == 122
    assert len(await tp.assets.list(parent=sub.uuid).to_list()) == 70
    assert len(await tp.assets.list(has_parent=False).to_list()) == 51
    with pytest.raises(onstage.BadRequestError) as info:
        await tp.assets.videos.bulk_create([VIDEO, VIDEO])
    assert info.value.status_code == 400
    video = videos[0]
    assert (await tp.assets.move(video.id, parent=folder.uuid)).detail
    assert (await tp.assets.get(video.id)).parent_id == folder.uuid
    with pytest.raises(onstage.BadRequestError) as info:
        await tp.assets.move(video.id, parent="not-a-folder")
    assert "parent" in str(info.value)
    session = await tp.assets.upload_sessions.create(title="Upload", resolutions=["720p"])
    assert session.asset.id
    token = await tp.assets.access_tokens.create(video.id, time_to_live=60)
    assert (await tp.assets.access_tokens.get(video.id, token.code)).status == "Active"
    assert (await tp.assets.access_tokens.update(video.id, token.code, time_to_live=120)).code == token.code
    chapters = await tp.assets.chapters.create(
        video.id,
        chapters=[{"title": "Start", "start_time": "00:00:00"}, {"title": "End", "start_time": "00:01:00"}],
    )
    assert [c.title for c in chapters.results] == ["Start", "End"]
    listed = await tp.assets.chapters.list(video.id).to_list()
    assert [c.title for c in listed] == ["Start", "End"]
    await tp.assets.chapters.delete(video.id, listed[0].id)
    assert len(await tp.assets.chapters.list(video.id).to_list()) == 1
    await tp.assets.upload_subtitle(video.id, subtitle=("en.vtt", b"WEBVTT\n", "text/vtt"), name="English")
    await tp.assets.generate_subtitle(video.id)
    subs = await tp.assets.subtitles.list(video.id).to_list()
    assert {s.subtitle_type for s in subs} == {"Uploaded", "Auto Generated"}
    uploaded = next(s for s in subs if s.subtitle_type == "Uploaded")
    auto = next(s for s in subs if s.subtitle_type == "Auto Generated")
    await tp.assets.subtitles.delete(video.id, uploaded.id)
    with pytest.raises(onstage.PermissionDeniedError):
        await tp.assets.subtitles.delete(video.id, auto.id)
    await tp.assets.upload_thumbnail(video.id, thumbnail=("t.png", b"\x89PNG", "image/png"))
    await tp.assets.trim(video.id, start_time=1, end_time=5)
    await tp.assets.get_trim_status(video.id)
    await tp.assets.revert_trim(video.id)
    await tp.assets.delete_resolutions(video.id, resolutions=[240])
    await tp.assets.delete(folder.uuid)
    # the folder, its sub-folder, the 70 videos inside and the moved video are gone
    assert len(await tp.assets.list().to_list()) == 50


async def test_webhooks_tokens_jobs_usage(sb: Sandbox) -> None:
    tp = sb.tpstreams()
    hook = await tp.webhooks.create(url="http://127.0.0.1:9/tp", secret_token="s3cret")
    assert (await tp.webhooks.replace(hook.id, url="http://127.0.0.1:9/tp2", secret_token="s2")).url.endswith(
        "tp2"
    )
    assert [w.id for w in await tp.webhooks.list().to_list()] == [hook.id]
    await tp.webhooks.delete(hook.id)
    assert await tp.webhooks.list().to_list() == []
    job = await tp.transcoding_jobs.create(
        input_url="https://example.com/a.mp4", output_path="s3://b/out", resolutions=["720p"]
    )
    assert (await tp.transcoding_jobs.get(job.id)).id == job.id
    assert len(await tp.transcoding_jobs.list().to_list()) == 1
    await tp.transcoding_jobs.cancel(job.id)
    assert await tp.usage.list().to_list() == []
    login = await tp.auth.login(username="me@example.com", password="pw", organization_id="org2")
    assert login.token
    other = sb.tpstreams("org2", token=login.token)
    assert await other.assets.list().to_list() == []
    assert {o.uuid for o in await other.organizations.list().to_list()} >= {"org1", "org2"}
    await other.auth.logout()
    with pytest.raises(onstage.AuthenticationError):
        await other.assets.list().to_list()


async def test_auth_and_validation(sb: Sandbox) -> None:
    with pytest.raises(onstage.AuthenticationError) as info:
        await sb.tpstreams(token="nope").assets.list().to_list()
    assert "Invalid token" in str(info.value)
    async with httpx2.AsyncClient() as http:
        response = await http.get(f"{sb.url}/api/v1/org1/assets/")
        assert response.status_code == 401
        assert response.json() == {"detail": "Authentication credentials were not provided."}
        lower = await http.get(
            f"{sb.url}/api/v1/org1/assets/", headers={"authorization": "token tp-sandbox-token"}
        )
        assert lower.status_code == 200
    tp = sb.tpstreams()
    with pytest.raises(onstage.BadRequestError) as err:
        await tp.assets.videos.create(inputs=[{"url": "https://example.com/x.mp4"}], resolutions=["999p"])  # type: ignore[list-item]
    assert "resolutions" in str(err.value)
    with pytest.raises(onstage.NotFoundError):
        await tp.assets.get("doesnotexist")


async def test_any_organization_works_by_default_each_with_its_own_state(sb: Sandbox) -> None:
    one, two = sb.tpstreams("org-a"), sb.tpstreams("org-b")
    stream = await one.live_streams.create(title="A")
    assert [a.id for a in await one.assets.list().to_list()] == [stream.id]
    assert await two.assets.list().to_list() == []
    with pytest.raises(onstage.NotFoundError):
        await two.assets.get(stream.id)


async def test_not_found_shapes_follow_the_real_service() -> None:
    async with Sandbox(tpstreams_organization_id="org1") as sb:
        await _not_found_shapes(sb)


async def _not_found_shapes(sb: Sandbox) -> None:
    """Django's plain-text 404 for a wrong organization or an unknown route; DRF's JSON for an unknown
    object; DRF's 405; APPEND_SLASH's 301 for a GET without the trailing slash."""
    plain = "The requested resource was not found on this server."
    tp = sb.tpstreams()
    asset = await tp.live_streams.create(title="Mine")
    auth = {"Authorization": "Token tp-sandbox-token"}
    async with httpx2.AsyncClient(base_url=sb.url, headers=auth) as http:
        mine = await http.get(f"/api/v1/org1/assets/{asset.id}/")
        assert mine.status_code == 200
        for path in (f"/api/v1/org2/assets/{asset.id}/", "/api/v1/org2/assets/", "/api/v1/org1/nope/"):
            other = await http.get(path)
            assert (other.status_code, other.text) == (404, plain), path
            assert other.headers["content-type"].startswith("text/plain")
        unknown = await http.get("/api/v1/org1/assets/AAAAAAAAAAA/")
        assert unknown.status_code == 404 and unknown.json() == {"detail": "Not found."}
        wrong_method = await http.put("/api/v1/org1/assets/")
        assert wrong_method.status_code == 405 and wrong_method.json() == {
            "detail": 'Method "PUT" not allowed.'
        }
        no_slash = await http.get("/api/v1/org1/assets", params={"limit": 1})
        assert no_slash.status_code == 301
        assert no_slash.headers["location"] == "/api/v1/org1/assets/?limit=1"
        post_no_slash = await http.post("/api/v1/org1/assets/live_streams", json={"title": "x"})
        assert (post_no_slash.status_code, post_no_slash.text) == (404, plain)
        anonymous = await http.get("/api/v1/org2/assets/", headers={"Authorization": ""})
        assert anonymous.status_code == 401  # authentication comes first
    with pytest.raises(onstage.NotFoundError) as info:
        await sb.tpstreams("org2").assets.get(asset.id)
    assert info.value.status_code == 404
    login = await tp.auth.login(username="me@example.com", password="pw", organization_id="org2")
    other = sb.tpstreams("org2", token=login.token)
    assert await other.assets.list().to_list() == []
    with pytest.raises(onstage.NotFoundError):  # a token works for its own organization only
        await sb.tpstreams("org1", token=login.token).assets.get(asset.id)
    assert [r.status for r in sb.requests if r.path.startswith("/api/v1/org2/")][-1] == 200


async def test_token_organization_is_configurable() -> None:
    async with Sandbox(tpstreams_organization_id="dcek2m") as sb:
        tp = sb.tpstreams()
        assert tp.organization_id == "dcek2m"
        await tp.live_streams.create(title="In dcek2m")
        assert [o.uuid for o in await tp.organizations.list().to_list()] == ["dcek2m"]
        with pytest.raises(onstage.NotFoundError):
            await sb.tpstreams("org1").assets.list().to_list()
