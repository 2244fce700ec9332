"""Redaction: one list of secret names (generated from the spec's marks), used by the models' reprs
and by the runtime redactor; structural for JSON, linear for free text; logs never show secrets."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import attrs
import httpx2
import pytest

import onstage._gen_support
from onstage._generated import _secrets
from onstage._generated.realtimekit import models as rtk_models
from onstage._generated.tpstreams import models as tp_models
from onstage._generated.tpstreams.api import access_tokens
from onstage._generated.webinar import models as wb_models
from onstage._log import log_request, log_response
from onstage._operation import Operation
from onstage._redact import (
    REDACTED,
    SCAN_LIMIT,
    SECRET_FIELDS,
    is_secret_key,
    redact_body,
    redact_headers,
    redact_json,
    redact_text,
    redact_url,
    redacted_repr,
    url_secrets,
)
from scripts.codegen.spec import load_spec
from tests.facade.helpers import TP_TOKEN, Recorder, tp

ROOT = Path(__file__).resolve().parents[2]

SPEC = dict(load_spec(ROOT / "openapi" / "onstage.yaml"))

# The two hand lists this module replaced: _redact.SECRET_KEYS and _codegen.GENERIC_SECRETS.
OLD_RUNTIME_KEYS = {
    "token", "access_token", "refresh_token", "device_token", "livekit_token", "api_key", "api_token",
    "secret", "secret_token", "password", "private_key", "access_key", "stream_key", "streamkey",
    "drm_aes_signing_key", "drm_aes_signing_iv", "authorization", "x-api-key",
}  # fmt: skip
OLD_GENERATOR_NAMES = {
    "token", "stream_key", "livekit_token", "secret_token", "password", "private_key", "access_key", "secret",
}  # fmt: skip
MODEL_MODULES = (rtk_models, tp_models, wb_models)


def spec_property_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            names.update(node["properties"])
        for value in node.values():
            names |= spec_property_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= spec_property_names(value)
    return names


# -- one list ------------------------------------------------------------------------------------
def test_generated_list_covers_the_old_lists() -> None:
    fields = spec_property_names(SPEC)
    old = (OLD_RUNTIME_KEYS | OLD_GENERATOR_NAMES) & fields
    assert old, "the old names are spec fields"
    assert old <= SECRET_FIELDS, old - SECRET_FIELDS
    assert SECRET_FIELDS is _secrets.SECRET_FIELDS
    assert fields >= SECRET_FIELDS
    assert {"code", "stream_key", "token", "livekit_token", "password", "secret_token"} <= SECRET_FIELDS
    assert "code" in _secrets.SECRET_PARAMS


def test_every_old_name_is_still_redacted_at_runtime() -> None:
    for name in OLD_RUNTIME_KEYS | OLD_GENERATOR_NAMES | {"streamKey", "Stream-Key", "X-Amz-Signature"}:
        assert is_secret_key(name), name
        assert "VALUE-1234" not in redact_text(f'{{"{name}": "VALUE-1234"}}'), name
        assert "VALUE-1234" not in redact_text(f"{name}=VALUE-1234"), name


def _json_to_python_names(cls: type) -> dict[str, str]:
    """JSON name -> attribute name of a generated model (through its own ``to_dict``)."""
    obj = object.__new__(cls)
    obj._raw = {}
    fields = [f.name for f in attrs.fields(cls) if f.name != "_raw"]
    for name in fields:
        object.__setattr__(obj, name, f"MARK:{name}")
    out = obj.to_dict()
    return {key: value.removeprefix("MARK:") for key, value in out.items()}


def test_models_redact_exactly_the_generated_list() -> None:
    redacted_anywhere: set[str] = set()
    models = [
        getattr(module, name)
        for module in MODEL_MODULES
        for name in module.__all__
        if attrs.has(getattr(module, name))  # each model from its group (the index loads them lazily)
    ]
    assert len(models) > 50
    for cls in models:
        by_json = _json_to_python_names(cls)
        expected = {py for js, py in by_json.items() if js in SECRET_FIELDS}
        actual = {f.name for f in attrs.fields(cls) if f.repr is redacted_repr}
        assert actual == expected, cls.__name__
        redacted_anywhere |= {js for js in by_json if js in SECRET_FIELDS}
        if expected:
            obj = object.__new__(cls)
            obj._raw = {}
            for f in attrs.fields(cls):
                if f.name != "_raw":
                    object.__setattr__(obj, f.name, f"SENTINEL-{f.name}" if f.name in expected else None)
            assert "SENTINEL" not in repr(obj), cls.__name__
    # The pinned parser drops properties named ``x-...`` (UploadClientPayload's S3 form fields): they
    # stay in ``_raw``, which is never in a repr.
    assert SECRET_FIELDS - redacted_anywhere == {"x-amz-credential", "x-amz-signature"}


def test_redacted_repr_has_one_definition() -> None:
    assert not hasattr(onstage._gen_support, "redacted_repr")
    assert redacted_repr(None) == "None" and redacted_repr("x") == repr(REDACTED)


def test_operations_carry_their_secret_parameters() -> None:
    assert access_tokens._OP_tp_get_access_token.secret_params == ("code",)
    assert access_tokens._OP_tp_update_access_token.secret_params == ("code",)
    assert access_tokens._OP_tp_create_access_token.secret_params == ()


# -- free text -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"token": "abc", "x": 1}', '{"token": "[redacted]", "x": 1}'),
        ("{'stream_key': 'abc'}", "{'stream_key': '[redacted]'}"),
        ("a?token=abc&x=1", "a?token=[redacted]&x=1"),
        ('{\\"password\\": \\"abc\\"}', '{\\"password\\": \\"[redacted]\\"}'),
        ('"token": null', '"token": null'),
        ('"password": ""', '"password": ""'),
        ('"streamKey":"live_sk"', '"streamKey":"[redacted]"'),
        ('"stream_key": "a\\"b\\"c", "n": 1', '"stream_key": "[redacted]", "n": 1'),
        ("Authorization: Bearer abcdefgh123", "Authorization: [redacted]"),
        ("sent Bearer abcdefgh123 then", "sent Bearer [redacted] then"),
        ("header Token abcdefgh123", "header Token [redacted]"),
        ("https://b/k?X-Amz-Signature=dead&X-Amz-Date=1", "https://b/k?X-Amz-Signature=[redacted]&X-Amz-Date=1"),
        ("s3://b/k/?access_key=AK&secret_key=SK&region=r", "s3://b/k/?access_key=[redacted]&secret_key=[redacted]&region=r"),
        ("design_tokens: 1, key: k, tokens=2", "design_tokens: 1, key: k, tokens=2"),
        ("token=[redacted]", "token=[redacted]"),
    ],
)  # fmt: skip
def test_redact_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "cut",
    [
        '{"token": "abcSECRET',
        '{"token": "abcSECRET...',
        '{"token": "abcSECRET\\',
        '{"token": "abcSECRET\\"still',
        "{'secret': 'abcSECRET",
        '{\\"token\\": \\"abcSECRET',
        '{"stream_key":   "abcSECRET',
        "token=abcSECRET",
    ],
)
def test_value_cut_off_by_truncation_is_redacted_to_the_end(cut: str) -> None:
    out = redact_text(cut)
    assert "SECRET" not in out and REDACTED in out


def test_message_truncated_before_redaction() -> None:
    body = json.dumps({"detail": "x" * 270, "token": "abcdef-SECRET-0123456789"})
    message = body[:297] + "..."  # what the error mapper does before redacting
    assert "SECRET" not in redact_text(message)


def test_extra_literal_values() -> None:
    assert redact_text("oops tp-secret-value in text", ["tp-secret-value", "ab"]) == "oops [redacted] in text"


def _timed(text: str, runs: int = 3) -> tuple[float, str]:
    """Best of ``runs`` (the suite may share the machine with other work)."""
    best, out = float("inf"), ""
    for _ in range(runs):
        start = time.perf_counter()
        out = redact_text(text)
        best = min(best, time.perf_counter() - start)
    return best, out


def test_ten_megabytes_in_under_300_ms() -> None:
    line = '{"id": "8f0c6b2e-1f3a", "title": "Standup", "status": "ACTIVE", "url": "https://x/y?page=2"}\n'
    secret = '{"stream_key": "live_sk_SECRET", "playback_url": "https://p/e?access_token=SECRET"}\n'
    block = line * 200 + secret
    text = block * (10_000_000 // len(block)) + '{"token": "SECRET-cut-off'
    assert len(text) >= 9_900_000
    elapsed, out = _timed(text)
    assert "SECRET" not in out
    assert elapsed < 0.3, f"{elapsed:.3f}s"


@pytest.mark.parametrize(
    "text",
    [
        '{"token": "' + "a" * 10_000_000,  # one value cut off: the old pattern's worst case
        "abcdefghij " * 1_000_000,  # nothing to redact
        '"' * 10_000_000,
        "token " * 1_700_000,
        "key=" * 2_500_000,  # a name's last part everywhere, never a secret name
    ],
    ids=["unterminated", "plain", "quotes", "token-words", "key-pairs"],
)
def test_ten_megabytes_of_awkward_text_stays_fast(text: str) -> None:
    elapsed, _ = _timed(text, runs=2)
    # A name's last part everywhere costs the regex engine a look at each one (still no Python).
    assert elapsed < 0.3 * (3 if text.startswith(("token", "key")) else 1), f"{elapsed:.3f}s"


def test_dense_secrets_are_linear() -> None:
    """Every pair a secret: per-pair work in Python, but no worse than linear."""
    small, large = '"token": "abc", ' * 10_000, '"token": "abc", ' * 100_000
    t_small, out_small = _timed(small)
    t_large, out_large = _timed(large, runs=2)
    assert "abc" not in out_small and "abc" not in out_large
    assert t_large < 25 * max(t_small, 0.002)


# -- JSON, bodies, URLs, headers -----------------------------------------------------------------
def test_redact_json_is_structural() -> None:
    value = {
        "a": [
            {"stream_key": "k", "code": 404, "ok": None, "flag": True, "url": "https://x?access_token=SEC"}
        ],
        "password": {"nested": "whole value"},
        "streamKey": "camel",
        "title": "a token, and a key: k",
        "note": "sent with token=SEC and Bearer abcdefgh",
        "refresh_token": "SEC",
    }
    assert redact_json(value) == {
        "a": [{"stream_key": REDACTED, "code": REDACTED, "ok": None, "flag": True, "url": "https://x?access_token=[redacted]"}],
        "password": REDACTED,
        "streamKey": REDACTED,
        "title": "a token, and a key: k",
        "note": "sent with token=[redacted] and Bearer [redacted]",
        "refresh_token": REDACTED,
    }  # fmt: skip


def test_redact_body() -> None:
    body = json.dumps({"token": "SECRET-1", "items": [{"secret": "SECRET-2"}] * 3}).encode()
    out = redact_body(body)
    assert "SECRET" not in out and json.loads(out)["items"][0]["secret"] == REDACTED
    plain = json.dumps({"id": "a", "title": "b"}).encode()
    assert redact_body(plain) == plain.decode()  # fast path: untouched
    escaped = b'{"\\u0074oken": "SECRET-3"}'
    assert "SECRET" not in redact_body(escaped)
    assert redact_body(b"") == ""
    assert "SECRET" not in redact_body(b"not json; password=SECRET-4")


def test_redact_body_is_bounded_and_cut_values_are_masked() -> None:
    pad = "x" * (SCAN_LIMIT - 40)
    body = ('{"pad": "' + pad + '", "token": "' + "SECRET" * 50_000 + '"}').encode()
    out = redact_body(body, limit=SCAN_LIMIT + 100)
    assert "SECRET" not in out
    assert len(redact_body(body)) < 2100
    short = redact_body(json.dumps({"items": ["y" * 5000], "token": "SECRET"}).encode())
    assert "SECRET" not in short and len(short) < 2100


def test_redact_url() -> None:
    template = "/api/v1/{organization_id}/assets/{asset_id}/access_tokens/{code}/"
    url = "https://app.tpstreams.com/api/v1/org/assets/a1/access_tokens/SECRET-CODE/?token=SECRET&q=1"
    assert redact_url(url, template, ("code",)) == (
        "https://app.tpstreams.com/api/v1/org/assets/a1/access_tokens/[redacted]/?token=[redacted]&q=1"
    )
    prefixed = "https://user:SECRET@proxy.test/base/api/v1/org/assets/a1/access_tokens/SECRET/"
    assert "SECRET" not in redact_url(prefixed, template, ("code",))
    assert redact_url("https://h/other/SECRET/", template, ("code",)) == f"https://h{template}"
    assert redact_url("https://h/q?pin=1234&x=2", "/q", ("pin",)) == "https://h/q?pin=[redacted]&x=2"
    assert redact_url("https://h/a/b?c=d") == "https://h/a/b?c=d"


def test_url_user_info_in_free_text() -> None:
    text = "bad base_url 'https://user:SECRET@h:99999/v1' (also ftp://SECRET@h/x); https://h/a@b stays"
    assert (
        redact_text(text)
        == "bad base_url 'https://[redacted]@h:99999/v1' (also ftp://[redacted]@h/x); https://h/a@b stays"
    )


def test_url_secrets_for_text_that_quotes_the_request_url() -> None:
    template = "/api/v1/{organization_id}/assets/{asset_id}/access_tokens/{code}/"
    url = "https://tp.example/prefix/api/v1/org1/assets/a1/access_tokens/SECRET%20CODE/?pin=1234&q=1"
    values = url_secrets(url, template, ("code", "pin"))
    assert set(values) == {"SECRET%20CODE", "SECRET CODE", "1234"}
    message = f"Client error '404 Not Found' for url '{url}'"
    assert "SECRET" not in redact_text(message, values) and "1234" not in redact_text(message, values)
    assert url_secrets(url, template, ()) == []


def test_redact_headers() -> None:
    headers = [("Authorization", "Token x"), ("X-API-Key", "k"), ("x-streams-token", "t"), ("Accept", "a")]
    assert redact_headers(headers) == {
        "Authorization": REDACTED,
        "X-API-Key": REDACTED,
        "x-streams-token": REDACTED,
        "Accept": "a",
    }


# -- logs ----------------------------------------------------------------------------------------
CODE = "SENTINEL-CODE-123"


def _records_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records) + caplog.text


@pytest.mark.anyio
async def test_access_token_code_never_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    token = {
        "code": CODE,
        "playback_url": f"https://app.tpstreams.com/embed/org1/a1/?access_token={CODE}",
        "expires_after_first_usage": False,
        "status": "Active",
    }
    rec = Recorder(httpx2.Response(200, json=token))
    caplog.set_level(logging.DEBUG, logger="onstage")
    async with tp(rec) as client:
        got = await client.assets.access_tokens.get("a1", code=CODE)
        await client.assets.access_tokens.update("a1", CODE, time_to_live=60)
    assert got.code == CODE and CODE not in repr(got)
    assert rec.requests[0].url.path.endswith(f"/access_tokens/{CODE}/")  # the wire has it, logs do not
    text = _records_text(caplog)
    assert "access_tokens/[redacted]/" in text
    assert CODE not in text and TP_TOKEN not in text
    assert any(r.levelno == logging.INFO for r in caplog.records)


def _sentinel_body() -> tuple[dict[str, Any], list[str]]:
    sentinels = [f"SENTINEL-{i:03d}-VALUE" for i, _ in enumerate(sorted(SECRET_FIELDS))]
    flat = dict(zip(sorted(SECRET_FIELDS), sentinels, strict=True))
    return {"id": "a1", **flat, "nested": [{"inner": flat}]}, sentinels


@pytest.mark.anyio
async def test_response_bodies_with_every_secret_field_never_reach_the_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body, sentinels = _sentinel_body()
    rec = Recorder(httpx2.Response(200, json=body))
    caplog.set_level(logging.DEBUG, logger="onstage")
    async with tp(rec) as client:
        await client.assets.access_tokens.get("a1", CODE)
    text = _records_text(caplog)
    assert "response body=" in text
    assert not [s for s in sentinels if s in text]


def test_request_bodies_and_urls_with_every_secret_never_reach_the_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body, sentinels = _sentinel_body()
    op = Operation(
        id="tp_get_access_token",
        method="PATCH",
        path="/api/v1/{organization_id}/assets/{asset_id}/access_tokens/{code}/",
        resource="assets.access_tokens",
        name="update",
        idempotent=True,
        secret_params=("code",),
    )
    query = {name: f"Q-{value}" for name, value in zip(sorted(SECRET_FIELDS), sentinels, strict=True)}
    request = httpx2.Request(
        "PATCH",
        f"https://app.tpstreams.com/api/v1/org1/assets/a1/access_tokens/{CODE}/",
        params=query,
        json=body,
        headers={"Authorization": f"Token {TP_TOKEN}"},
    )
    caplog.set_level(logging.DEBUG, logger="onstage")
    log_request(op, request)
    log_response(op, httpx2.Response(200, json=body, request=request), 0)
    text = _records_text(caplog)
    assert not [s for s in sentinels if s in text]
    assert CODE not in text and TP_TOKEN not in text


def test_large_bodies_are_logged_bounded(caplog: pytest.LogCaptureFixture) -> None:
    op = access_tokens._OP_tp_get_access_token
    big = json.dumps({"items": ["z" * 1000] * 2000, "token": "SENTINEL-BIG"}).encode()
    request = httpx2.Request("GET", "https://app.tpstreams.com/api/v1/o/assets/a/access_tokens/c/")
    caplog.set_level(logging.DEBUG, logger="onstage")
    log_response(op, httpx2.Response(200, content=big, request=request), 0)
    body_line = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("response body="))
    assert len(body_line) < 2200 and "SENTINEL" not in body_line
