"""TP Streams: shared secret in x-streams-token (legacy x-tpstreams-token), Asset JSON body."""

from __future__ import annotations

import hmac
import importlib
from typing import Any

import pytest

from onstage._errors import InvalidArgumentError, WebhookVerificationError
from onstage.webhooks import TPStreamsEvent, TPStreamsWebhookVerifier
from onstage.webhooks import tpstreams as tp_module
from onstage.webhooks.tpstreams import WebhookVerifier

from . import payloads

SECRET = "fake-webhook-secret-0123456789"
LIVE = payloads.dumps(payloads.TP_LIVE_STREAM_ASSET)
VIDEO = payloads.dumps(payloads.TP_VIDEO_ASSET)


@pytest.fixture
def verifier() -> WebhookVerifier:
    return WebhookVerifier(SECRET)


def test_exported_alias_is_the_class() -> None:
    assert TPStreamsWebhookVerifier is WebhookVerifier


@pytest.mark.anyio
async def test_live_stream_delivery(verifier: WebhookVerifier) -> None:
    event = await verifier.unwrap(LIVE, {"X-Streams-Token": SECRET, "Content-Type": "application/json"})
    assert isinstance(event, TPStreamsEvent)
    assert event.raw == payloads.TP_LIVE_STREAM_ASSET
    assert event.asset_id == "8Jb2nPqR4sT"
    assert event.type == "livestream"
    assert event.is_live_stream is True
    assert event.live_stream_status == "Streaming"
    assert event.video_status is None


def test_video_delivery_sync(verifier: WebhookVerifier) -> None:
    event = verifier.unwrap_sync(VIDEO, [("x-streams-token", SECRET)])
    assert event.asset_id == "Zx9Yw8Vu7Ts"
    assert event.type == "video"
    assert event.is_live_stream is False
    assert event.live_stream_status is None
    assert event.video_status == "Completed"


def test_open_status_values_and_odd_shapes(verifier: WebhookVerifier) -> None:
    body = b'{"id":"a1","live_stream":{"status":"Available"}}'
    event = verifier.unwrap_sync(body, {"x-streams-token": SECRET})
    assert event.live_stream_status == "Available"  # legacy value kept
    assert event.type is None
    assert event.is_live_stream is True
    odd = verifier.unwrap_sync(
        b'{"id":5,"type":["x"],"live_stream":"?","video":[]}', {"x-streams-token": SECRET}
    )
    assert odd.asset_id is None and odd.type is None
    assert odd.live_stream_status is None and odd.video_status is None
    assert odd.is_live_stream is False


def test_legacy_header_accepted(verifier: WebhookVerifier) -> None:
    event = verifier.unwrap_sync(LIVE, {"X-TPStreams-Token": SECRET})
    assert event.asset_id == "8Jb2nPqR4sT"


def test_legacy_header_refused_when_disabled() -> None:
    strict = WebhookVerifier(SECRET, accept_legacy_header=False)
    with pytest.raises(WebhookVerificationError, match=r"missing x-streams-token header$"):
        strict.verify({"x-tpstreams-token": SECRET})


def test_new_header_wins_over_legacy(verifier: WebhookVerifier) -> None:
    with pytest.raises(WebhookVerificationError, match="x-streams-token does not match"):
        verifier.verify({"x-streams-token": "wrong", "x-tpstreams-token": SECRET})


@pytest.mark.parametrize("token", ["wrong", SECRET[:-1], SECRET + "x", SECRET.upper(), ""])
def test_wrong_token_rejected(verifier: WebhookVerifier, token: str) -> None:
    with pytest.raises(WebhookVerificationError, match="does not match the configured secret token") as exc:
        verifier.verify({"x-streams-token": token})
    assert SECRET not in str(exc.value)


@pytest.mark.anyio
async def test_missing_token_rejected(verifier: WebhookVerifier) -> None:
    with pytest.raises(WebhookVerificationError, match="missing x-streams-token header"):
        await verifier.unwrap(LIVE, {"authorization": "Token abc"})


def test_comparison_uses_hmac_compare_digest_on_bytes(
    verifier: WebhookVerifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Any, Any]] = []
    real = hmac.compare_digest

    def recording(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", recording)
    verifier.verify({"x-streams-token": SECRET})
    with pytest.raises(WebhookVerificationError):
        verifier.verify({"x-streams-token": "nope"})
    assert calls == [(SECRET.encode(), SECRET.encode()), (b"nope", SECRET.encode())]


def test_no_plain_equality_fallback(verifier: WebhookVerifier, monkeypatch: pytest.MonkeyPatch) -> None:
    # if compare_digest says no, the token is rejected even when it is equal
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: False)
    with pytest.raises(WebhookVerificationError):
        verifier.verify({"x-streams-token": SECRET})


def test_non_ascii_token_does_not_crash(verifier: WebhookVerifier) -> None:
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verifier.verify({"x-streams-token": "sécret"})
    WebhookVerifier("sécret").verify({"x-streams-token": "sécret"})


@pytest.mark.anyio
async def test_body_checks(verifier: WebhookVerifier) -> None:
    headers = {"x-streams-token": SECRET}
    with pytest.raises(WebhookVerificationError, match="empty body"):
        await verifier.unwrap(b"", headers)
    with pytest.raises(WebhookVerificationError, match="not valid JSON"):
        await verifier.unwrap(b"<xml/>", headers)
    with pytest.raises(WebhookVerificationError, match="not an object"):
        await verifier.unwrap(b'"just a string"', headers)
    with pytest.raises(WebhookVerificationError, match="body too large"):
        await WebhookVerifier(SECRET, max_body_bytes=10).unwrap(LIVE, headers)
    with pytest.raises(TypeError, match="raw request bytes"):
        await verifier.unwrap(LIVE.decode(), headers)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="raw request bytes"):
        verifier.unwrap_sync(payloads.TP_LIVE_STREAM_ASSET, headers)  # type: ignore[arg-type]


def test_token_checked_before_body_is_parsed(verifier: WebhookVerifier) -> None:
    with pytest.raises(WebhookVerificationError, match="does not match"):
        verifier.unwrap_sync(b"not json", {"x-streams-token": "wrong"})


def test_repr_hides_secret(verifier: WebhookVerifier) -> None:
    assert SECRET not in repr(verifier)
    assert repr(verifier) == "WebhookVerifier(secret_token=[redacted])"
    event = verifier.unwrap_sync(LIVE, {"x-streams-token": SECRET})
    assert "org-fake-live" not in repr(event)  # the stream key stays out of the event's repr
    assert "8Jb2nPqR4sT" in repr(event)


@pytest.mark.parametrize("bad", ["", None, b"bytes"])
def test_secret_must_be_a_non_empty_string(bad: Any) -> None:
    with pytest.raises(InvalidArgumentError):
        WebhookVerifier(bad)


def _importable_asset_model() -> Any:
    try:
        return importlib.import_module("onstage.tpstreams.models").Asset
    except Exception:
        return None


def test_asset_is_the_generated_model_when_importable(verifier: WebhookVerifier) -> None:
    tp_module._asset_model.cache_clear()
    model = _importable_asset_model()
    event = verifier.unwrap_sync(VIDEO, {"x-streams-token": SECRET})
    if model is None:
        assert event.asset == payloads.TP_VIDEO_ASSET
        assert event.asset["id"] == "Zx9Yw8Vu7Ts"
        assert event.asset["title"] == "Lecture 4 - Thermodynamics"
    else:
        assert isinstance(event.asset, model)
        assert event.asset.id == "Zx9Yw8Vu7Ts"
        assert event.asset.title == "Lecture 4 - Thermodynamics"
    assert event.raw == payloads.TP_VIDEO_ASSET


class _FakeAsset:
    def __init__(self, id: str, title: str) -> None:
        self.id = id
        self.title = title

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> _FakeAsset:
        return cls(id=data["id"], title=data["title"])


def test_asset_model_path_and_fallback(verifier: WebhookVerifier, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tp_module, "_asset_model", lambda: _FakeAsset)
    event = verifier.unwrap_sync(VIDEO, {"x-streams-token": SECRET})
    assert isinstance(event.asset, _FakeAsset)
    assert (event.asset.id, event.asset.title) == ("Zx9Yw8Vu7Ts", "Lecture 4 - Thermodynamics")
    # a payload the model rejects (no title -> KeyError) is still delivered, as a dict
    fallback = verifier.unwrap_sync(b'{"id":"x1"}', {"x-streams-token": SECRET})
    assert fallback.asset == {"id": "x1"}
    assert fallback.asset_id == "x1"
