"""Error mapping per API and the retry policy (never a duplicated create)."""

from __future__ import annotations

import email.utils
import logging
import time

import httpx2
import pytest

import onstage

from .helpers import TOKEN, TP_TOKEN, Flavour, Handler, Recorder, meeting, ok, opened, resolved

pytestmark = pytest.mark.anyio


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    recorded: list[float] = []

    async def fake_sleep(delay: float) -> None:
        recorded.append(delay)

    monkeypatch.setattr("onstage._flavour.anyio.sleep", fake_sleep)
    monkeypatch.setattr("onstage._flavour.time.sleep", recorded.append)  # the sync client's
    return recorded


def rtk_error(status: int, message: str = "boom", **headers: str) -> httpx2.Response:
    return httpx2.Response(
        status, json={"success": False, "error": {"code": status, "message": message}}, headers=headers
    )


STATUS_CLASSES = [
    (400, onstage.BadRequestError),
    (401, onstage.AuthenticationError),
    (403, onstage.PermissionDeniedError),
    (404, onstage.NotFoundError),
    (409, onstage.ConflictError),
    (422, onstage.UnprocessableEntityError),
    (429, onstage.RateLimitError),
    (503, onstage.InternalServerError),
]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        *STATUS_CLASSES,
        (500, onstage.InternalServerError),
        (502, onstage.InternalServerError),
        (418, onstage.APIStatusError),
    ],
)
async def test_status_maps_to_class(
    status: int, cls: type[onstage.APIStatusError], sleeps: list[float], flavour: Flavour
) -> None:
    rec = Recorder(rtk_error(status, "meeting not found", **{"cf-ray": "ray-9"}))
    async with opened("realtimekit", rec, flavour, max_retries=0) as client:
        with pytest.raises(cls) as info:
            await resolved(client.meetings.get("m-1"))
    err = info.value
    assert type(err) is cls and isinstance(err, onstage.OnstageError)
    assert err.status_code == status and err.code == status and err.message.startswith("meeting not found")
    assert err.request_id == "ray-9" and err.body["success"] is False
    assert err.response.status_code == status
    assert "get_meeting" in str(err)


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
@pytest.mark.parametrize("api", ["realtimekit", "tpstreams", "webinar"])
async def test_each_api_error_shape_maps_to_each_class(
    api: str, status: int, cls: type[onstage.APIStatusError], sleeps: list[float], flavour: Flavour
) -> None:
    body, code = {
        "realtimekit": ({"success": False, "error": {"code": status, "message": "nope"}}, status),
        "tpstreams": ({"detail": "nope"}, None),
        "webinar": ({"success": False, "code": "E_NOPE", "message": "nope", "timestamp": 1}, "E_NOPE"),
    }[api]
    rec = Recorder(httpx2.Response(status, json=body, headers={"x-request-id": "req-1"}))
    async with opened(api, rec, flavour, max_retries=0) as client:
        call = {
            "realtimekit": lambda: client.meetings.get("m-1"),
            "tpstreams": lambda: client.live_streams.get("ls-1"),
            "webinar": lambda: client.rooms.get("r-1"),
        }[api]
        with pytest.raises(cls) as info:
            await resolved(call())
    err = info.value
    assert type(err) is cls
    assert (err.status_code, err.code, err.message, err.request_id) == (status, code, "nope", "req-1")
    assert err.body == body and err.response.status_code == status
    assert len(rec.requests) == 1


async def test_gateway_errors_array_and_root_message(flavour: Flavour) -> None:
    rec = Recorder(
        httpx2.Response(
            403, json={"success": False, "errors": [{"code": 10000, "message": "Authentication error"}]}
        ),
        httpx2.Response(401, json={"message": "Unauthorized"}),
    )
    async with opened("realtimekit", rec, flavour) as client:
        with pytest.raises(onstage.PermissionDeniedError) as a:
            await resolved(client.meetings.get("m-1"))
        with pytest.raises(onstage.AuthenticationError) as b:
            await resolved(client.webhooks.get("w-1"))
    assert a.value.code == 10000 and "Authentication error" in a.value.message
    assert b.value.message.startswith("Unauthorized")


async def test_tpstreams_plain_text_404_and_drf_shapes(flavour: Flavour) -> None:
    rec = Recorder(
        httpx2.Response(
            404,
            text="The requested resource was not found on this server.",
            headers={"content-type": "text/html"},
        ),
        httpx2.Response(401, json={"detail": "Invalid token."}),
        httpx2.Response(400, json={"title": ["This field is required."]}),
    )
    async with opened("tpstreams", rec, flavour) as client:
        with pytest.raises(onstage.NotFoundError) as a:
            await resolved(client.assets.get("a1"))
        with pytest.raises(onstage.AuthenticationError) as b:
            await resolved(client.assets.get("a1"))
        with pytest.raises(onstage.BadRequestError) as c:
            await resolved(client.live_streams.create(title=""))
    assert "requested resource was not found" in a.value.message and isinstance(a.value.body, str)
    assert b.value.message.startswith("Invalid token.")
    assert "title: This field is required." in c.value.message


async def test_webinar_error_shapes(flavour: Flavour) -> None:
    rec = Recorder(
        httpx2.Response(
            401, json={"success": False, "code": "auth_type_not_found", "message": "Could not determine"}
        ),
        httpx2.Response(
            422,
            json={
                "success": False,
                "message": "Invalid Request",
                "errors": [{"field": "title", "code": "validation_required", "message": "required"}],
            },
        ),
        httpx2.Response(404, json={"success": False, "error": "session not found", "timestamp": 1}),
    )
    async with opened("webinar", rec, flavour) as client:
        with pytest.raises(onstage.AuthenticationError) as a:
            await resolved(client.rooms.list_mine().first_page())
        with pytest.raises(onstage.UnprocessableEntityError) as b:
            await resolved(client.rooms.create(title="x"))
        with pytest.raises(onstage.NotFoundError) as c:
            await resolved(client.sessions.get("s"))
    assert a.value.code == "auth_type_not_found"
    assert "title: required" in b.value.message
    assert c.value.message.startswith("session not found")


async def test_get_retries_5xx_then_succeeds(sleeps: list[float], flavour: Flavour) -> None:
    rec = Recorder(rtk_error(503), rtk_error(500), ok(meeting(1)))
    async with opened("realtimekit", rec, flavour) as client:
        raw = await resolved(client.meetings.with_raw_response.get("m-1"))
    assert raw.retries_taken == 2 and len(rec.requests) == 3 and len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0  # exponential with jitter


async def test_exhausted_retries_raise_the_last_error(sleeps: list[float], flavour: Flavour) -> None:
    rec = Recorder(rtk_error(502))
    async with opened("realtimekit", rec, flavour, max_retries=3) as client:
        with pytest.raises(onstage.InternalServerError):
            await resolved(client.meetings.get("m-1"))
    assert len(rec.requests) == 4


@pytest.mark.parametrize(
    ("first", "raised"),
    [
        (lambda request: rtk_error(500), onstage.InternalServerError),  # a fresh response per test
        (httpx2.ReadTimeout("slow"), onstage.APITimeoutError),
        (httpx2.RemoteProtocolError("server disconnected"), onstage.APIConnectionError),
    ],
    ids=["500", "read-timeout", "dropped-connection"],
)
async def test_post_is_not_retried_when_the_server_may_have_acted(
    first: Handler | Exception, raised: type[Exception], sleeps: list[float], flavour: Flavour
) -> None:
    rec = Recorder(first, ok(meeting(1), status=201))
    async with opened("realtimekit", rec, flavour) as client:
        with pytest.raises(raised):
            await resolved(client.meetings.create(title="once"))
    assert len(rec.requests) == 1 and sleeps == []


async def test_post_is_retried_when_the_server_cannot_have_acted(
    sleeps: list[float], flavour: Flavour
) -> None:
    rec = Recorder(
        httpx2.ConnectError("refused"),
        httpx2.Response(429, json={}, headers={"retry-after": "2"}),
        httpx2.Response(503, json={}, headers={"retry-after-ms": "250"}),
        ok(meeting(1), status=201),
    )
    async with opened("realtimekit", rec, flavour, max_retries=3) as client:
        m = await resolved(client.meetings.create(title="retry-safe"))
    assert m.id == "m-1" and len(rec.requests) == 4
    assert sleeps[1:] == [2.0, 0.25]


async def test_post_503_without_retry_after_is_not_retried(sleeps: list[float], flavour: Flavour) -> None:
    rec = Recorder(httpx2.Response(503, json={}), ok(meeting(1), status=201))
    async with opened("realtimekit", rec, flavour) as client:
        with pytest.raises(onstage.InternalServerError):
            await resolved(client.meetings.create(title="x"))
    assert len(rec.requests) == 1


async def test_get_retries_timeouts(sleeps: list[float], flavour: Flavour) -> None:
    rec = Recorder(httpx2.ReadTimeout("slow"), ok(meeting(1)))
    async with opened("realtimekit", rec, flavour) as client:
        assert (await resolved(client.meetings.get("m-1"))).id == "m-1"


async def test_retry_after_http_date_and_cap(sleeps: list[float], flavour: Flavour) -> None:
    date = email.utils.formatdate(time.time() + 3, usegmt=True)
    rec = Recorder(
        httpx2.Response(429, json={}, headers={"retry-after": date}),
        httpx2.Response(429, json={}, headers={"retry-after": "100000"}),
        ok(meeting(1)),
    )
    async with opened("realtimekit", rec, flavour) as client:
        await resolved(client.meetings.get("m-1"))
    assert 1.0 <= sleeps[0] <= 3.0
    assert sleeps[1] <= 8.0  # an absurd Retry-After falls back to capped backoff


async def test_rate_limit_error_exposes_retry_after(sleeps: list[float], flavour: Flavour) -> None:
    rec = Recorder(
        httpx2.Response(
            429,
            json={"success": False, "error": {"code": 429, "message": "slow down"}},
            headers={"retry-after": "7"},
        )
    )
    async with opened("realtimekit", rec, flavour, max_retries=0) as client:
        with pytest.raises(onstage.RateLimitError) as info:
            await resolved(client.meetings.get("m-1"))
    assert info.value.retry_after == 7.0


async def test_max_retries_per_call_and_on_retry_hook(sleeps: list[float], flavour: Flavour) -> None:
    events: list[onstage.RetryEvent] = []
    rec = Recorder(rtk_error(500))
    async with opened("realtimekit", rec, flavour, on_retry=[events.append]) as client:
        with pytest.raises(onstage.InternalServerError):
            await resolved(client.meetings.get("m-1", max_retries=1))
    assert len(rec.requests) == 2
    assert [(e.operation, e.attempt) for e in events] == [("get_meeting", 1)]


async def test_secrets_never_reach_logs_or_errors(
    caplog: pytest.LogCaptureFixture, sleeps: list[float], flavour: Flavour
) -> None:
    body = {"success": False, "error": {"code": 400, "message": 'bad "stream_key": "live_sk_SECRET123" here'}}
    rec = Recorder(httpx2.Response(400, json=body))
    caplog.set_level(logging.DEBUG, logger="onstage")
    async with opened("realtimekit", rec, flavour) as client:
        with pytest.raises(onstage.BadRequestError) as info:
            await resolved(client.meetings.get("m-1"))
    async with opened(
        "tpstreams",
        Recorder(
            httpx2.Response(
                200,
                json={
                    "id": "a",
                    "title": "t",
                    "type": "livestream",
                    "live_stream": {"stream_key": "org-live-KEY999"},
                },
            )
        ),
        flavour,
    ) as c:
        asset = await resolved(c.assets.get("a"))
    text = caplog.text + str(info.value) + repr(info.value) + repr(asset) + repr(client)
    for secret in (TOKEN, TP_TOKEN, "live_sk_SECRET123", "org-live-KEY999"):
        assert secret not in text
    assert "GET" in caplog.text and "[redacted]" in caplog.text


def _reset_then(*then: httpx2.Response) -> list[httpx2.Request]:
    """A handler whose first attempt is lost after the server got it, then answers ``then``."""
    seen: list[httpx2.Request] = []
    answers = list(then)

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if len(seen) == 1:
            raise httpx2.ReadError("connection reset after the request was sent", request=request)
        return answers.pop(0)

    handler.seen = seen  # type: ignore[attr-defined]
    return handler  # type: ignore[return-value]


async def test_retried_delete_answered_404_after_a_lost_answer_is_a_success(
    sleeps: list[float], flavour: Flavour
) -> None:
    # The first DELETE was applied but its answer was lost; the retry finds nothing: deleted.
    handler = _reset_then(httpx2.Response(404, json={"detail": "Not found."}))
    async with opened("tpstreams", handler, flavour) as client:
        assert await resolved(client.assets.delete("a-1")) is None
    assert len(handler.seen) == 2  # type: ignore[attr-defined]


async def test_404_on_a_delete_whose_earlier_attempts_never_arrived_stands(
    sleeps: list[float], flavour: Flavour
) -> None:
    rec = Recorder(httpx2.Response(503), httpx2.Response(404, json={"detail": "Not found."}))
    async with opened("tpstreams", rec, flavour) as client:
        with pytest.raises(onstage.NotFoundError):
            await resolved(client.assets.delete("a-1"))


async def test_404_on_a_retried_delete_that_returns_an_object_stands(
    sleeps: list[float], flavour: Flavour
) -> None:
    # RealtimeKit's webhook delete answers the deleted webhook: there is nothing to give back.
    handler = _reset_then(rtk_error(404, "webhook not found"))
    async with opened("realtimekit", handler, flavour) as client:
        with pytest.raises(onstage.NotFoundError):
            await resolved(client.webhooks.delete("w-1"))
