"""RealtimeKit signature verification with a key passed to the constructor."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import httpx2
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.datastructures import Headers as StarletteHeaders

from onstage._errors import InvalidArgumentError, WebhookVerificationError
from onstage.webhooks import (
    MeetingEnded,
    PublicKeyUnavailableError,
    RealtimeKitEvent,
    RealtimeKitWebhookVerifier,
)
from onstage.webhooks.realtimekit import WebhookVerifier

from . import payloads
from .conftest import KeyPair

BODY = payloads.dumps(payloads.MEETING_ENDED)


@pytest.fixture
def verifier(keypair: KeyPair) -> WebhookVerifier:
    return WebhookVerifier(keypair.public_pem)


def test_exported_alias_is_the_class() -> None:
    assert RealtimeKitWebhookVerifier is WebhookVerifier


@pytest.mark.anyio
async def test_valid_delivery_unwraps_to_typed_event(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    event = await verifier.unwrap(BODY, keypair.headers(BODY))
    assert isinstance(event, MeetingEnded)
    assert event.reason == "ALL_PARTICIPANTS_LEFT"
    assert event.delivery_id == "0d3c5a9e-delivery-0001"
    assert event.webhook_id == "wh-6f1b2c3d"
    assert event.raw == payloads.MEETING_ENDED


def test_sync_verify_and_unwrap(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    headers = keypair.headers(BODY)
    verifier.verify(BODY, headers)
    assert isinstance(verifier.unwrap_sync(BODY, headers), MeetingEnded)
    assert verifier.key_loaded


@pytest.mark.parametrize("body", [BODY, bytearray(BODY), memoryview(BODY)], ids=["bytes", "bytearray", "mv"])
def test_body_buffer_types_accepted(
    verifier: WebhookVerifier, keypair: KeyPair, body: bytes | bytearray | memoryview
) -> None:
    assert verifier.unwrap_sync(body, keypair.headers(BODY)).event == "meeting.ended"


@pytest.mark.parametrize("shape", ["dict-upper", "tuples", "byte-tuples", "httpx2", "starlette"])
def test_headers_any_shape_case_insensitive(verifier: WebhookVerifier, keypair: KeyPair, shape: str) -> None:
    h = keypair.headers(BODY)
    upper = {k.upper() if k != "rtk-uuid" else "Rtk-UUID": v for k, v in h.items()}
    headers = {
        "dict-upper": upper,
        "tuples": list(upper.items()),
        "byte-tuples": [(k.lower().encode(), v.encode()) for k, v in h.items()],
        "httpx2": httpx2.Headers(upper),
        "starlette": StarletteHeaders(raw=[(k.lower().encode(), v.encode()) for k, v in h.items()]),
    }[shape]
    event = verifier.unwrap_sync(BODY, headers)  # type: ignore[arg-type]
    assert event.delivery_id == "0d3c5a9e-delivery-0001"
    assert event.webhook_id == "wh-6f1b2c3d"


def _reason(exc: pytest.ExceptionInfo[WebhookVerificationError]) -> str:
    return str(exc.value)


def test_flipped_body_byte_rejected(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    headers = keypair.headers(BODY)
    tampered = bytearray(BODY)
    tampered[10] ^= 0x01
    with pytest.raises(WebhookVerificationError, match="bad signature") as exc:
        verifier.verify(bytes(tampered), headers)
    assert "re-serialized" in _reason(exc)


def test_flipped_signature_byte_rejected(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    raw = bytearray(keypair.sign_raw(BODY))
    raw[-1] ^= 0x80
    headers = {"rtk-signature": base64.b64encode(bytes(raw)).decode()}
    with pytest.raises(WebhookVerificationError, match="bad signature"):
        verifier.verify(BODY, headers)


def test_wrong_key_rejected(keypair: KeyPair, other_keypair: KeyPair) -> None:
    verifier = WebhookVerifier(other_keypair.public_pem)
    with pytest.raises(WebhookVerificationError, match="bad signature"):
        verifier.verify(BODY, keypair.headers(BODY))


def test_reserialized_body_rejected(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    pretty = json.dumps(payloads.MEETING_ENDED, indent=2).encode()
    with pytest.raises(WebhookVerificationError, match="bad signature"):
        verifier.verify(pretty, keypair.headers(BODY))


@pytest.mark.anyio
async def test_missing_signature_header(verifier: WebhookVerifier) -> None:
    with pytest.raises(WebhookVerificationError, match="missing rtk-signature header"):
        await verifier.unwrap(BODY, {"rtk-uuid": "x", "content-type": "application/json"})


def test_empty_signature_header(verifier: WebhookVerifier) -> None:
    with pytest.raises(WebhookVerificationError, match="rtk-signature header is empty"):
        verifier.verify(BODY, {"rtk-signature": "  "})


def test_truncated_signature_wrong_length(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    sig = keypair.sign(BODY)
    cut = sig[: (len(sig) // 2) // 4 * 4]  # still valid base64, half the bytes
    with pytest.raises(WebhookVerificationError, match=r"wrong length: \d+ bytes, expected 256.*truncated"):
        verifier.verify(BODY, {"rtk-signature": cut})


def test_truncated_signature_bad_padding(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    sig = keypair.sign(BODY)
    with pytest.raises(WebhookVerificationError, match=r"not a multiple of 4.*truncated"):
        verifier.verify(BODY, {"rtk-signature": sig[:-3]})


def test_overlong_signature_wrong_length(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    sig = base64.b64encode(keypair.sign_raw(BODY) + b"\x00\x00\x00").decode()
    with pytest.raises(WebhookVerificationError, match="wrong length: 259 bytes"):
        verifier.verify(BODY, {"rtk-signature": sig})


@pytest.mark.parametrize("garbage", ["not base64 at all!", "sha256=deadbeef", "ÿÿÿÿ", "abc$def="])
def test_non_base64_signature(verifier: WebhookVerifier, garbage: str) -> None:
    with pytest.raises(WebhookVerificationError, match="not base64"):
        verifier.verify(BODY, {"rtk-signature": garbage})


@pytest.mark.anyio
async def test_empty_body(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    with pytest.raises(WebhookVerificationError, match="empty body"):
        await verifier.unwrap(b"", keypair.headers(b""))


@pytest.mark.anyio
async def test_huge_body_default_limit(verifier: WebhookVerifier) -> None:
    body = b"{" + b" " * (5 * 1024 * 1024) + b"}"
    with pytest.raises(WebhookVerificationError, match="body too large"):
        await verifier.unwrap(body, {"rtk-signature": "AAAA"})


def test_body_limit_is_configurable(keypair: KeyPair) -> None:
    small = WebhookVerifier(keypair.public_pem, max_body_bytes=len(BODY) - 1)
    with pytest.raises(WebhookVerificationError, match=f"the limit is {len(BODY) - 1}"):
        small.verify(BODY, keypair.headers(BODY))
    exact = WebhookVerifier(keypair.public_pem, max_body_bytes=len(BODY))
    exact.verify(BODY, keypair.headers(BODY))


@pytest.mark.anyio
async def test_signed_body_that_is_not_json(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    body = b"event=meeting.started"
    with pytest.raises(WebhookVerificationError, match="not valid JSON"):
        await verifier.unwrap(body, keypair.headers(body))


def test_signed_json_that_is_not_an_object(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    body = b'[{"event":"meeting.started"}]'
    with pytest.raises(WebhookVerificationError, match="not an object"):
        verifier.unwrap_sync(body, keypair.headers(body))


@pytest.mark.anyio
async def test_legacy_dyte_signature_accepted(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    event = await verifier.unwrap(BODY, {"Dyte-Signature": keypair.sign(BODY)})
    assert isinstance(event, MeetingEnded)


def test_legacy_dyte_signature_refused_when_disabled(keypair: KeyPair) -> None:
    strict = WebhookVerifier(keypair.public_pem, accept_legacy_dyte=False)
    with pytest.raises(WebhookVerificationError, match=r"missing rtk-signature header$"):
        strict.verify(BODY, {"dyte-signature": keypair.sign(BODY)})


def test_rtk_signature_wins_over_dyte(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    with pytest.raises(WebhookVerificationError, match="bad signature: rtk-signature"):
        verifier.verify(BODY, {"rtk-signature": keypair.sign(b"other"), "dyte-signature": keypair.sign(BODY)})


@pytest.mark.anyio
@pytest.mark.parametrize("body", [BODY.decode(), payloads.MEETING_ENDED])
async def test_non_bytes_body_is_a_type_error(
    verifier: WebhookVerifier, keypair: KeyPair, body: object
) -> None:
    with pytest.raises(TypeError, match="raw request bytes"):
        await verifier.unwrap(body, keypair.headers(BODY))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="raw request bytes"):
        verifier.verify(body, keypair.headers(BODY))  # type: ignore[arg-type]


def test_sync_verify_without_key_fetches_it_and_says_when_it_cannot() -> None:
    verifier = WebhookVerifier(key_url="http://127.0.0.1:9/webhooks.json")  # refused at once
    assert not verifier.key_loaded
    # the blocking fetch fails, and says so (webhook_app answers 503 for the sender to retry)
    with pytest.raises(PublicKeyUnavailableError, match="could not be fetched"):
        verifier.verify(BODY, {"rtk-signature": "AAAA"})


@pytest.mark.parametrize(
    ("pem", "reason"),
    [
        ("", "empty"),
        ("hello", "BEGIN PUBLIC KEY"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "could not be parsed"),
    ],
)
def test_invalid_key_rejected_at_construction(pem: str, reason: str) -> None:
    with pytest.raises(WebhookVerificationError, match=f"invalid public key.*{reason}"):
        WebhookVerifier(pem)


def test_non_rsa_key_rejected() -> None:
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(WebhookVerificationError, match="expected an RSA key"):
        WebhookVerifier(pem)


def test_key_with_escaped_newlines_from_env(keypair: KeyPair) -> None:
    verifier = WebhookVerifier(keypair.public_pem.replace("\n", "\\n"))
    verifier.verify(BODY, keypair.headers(BODY))


def test_key_as_bytes(keypair: KeyPair) -> None:
    WebhookVerifier(keypair.public_pem.encode()).verify(BODY, keypair.headers(BODY))


def test_4096_bit_key_length_check() -> None:
    big = KeyPair(4096)
    verifier = WebhookVerifier(big.public_pem)
    verifier.verify(BODY, big.headers(BODY))
    short = base64.b64encode(big.sign_raw(BODY)[:256]).decode()
    with pytest.raises(WebhookVerificationError, match="256 bytes, expected 512 for a 4096-bit key"):
        verifier.verify(BODY, {"rtk-signature": short})


def test_missing_cryptography_gives_install_hint(monkeypatch: pytest.MonkeyPatch, keypair: KeyPair) -> None:
    for name in (
        "cryptography",
        "cryptography.hazmat.primitives",
        "cryptography.hazmat.primitives.asymmetric",
    ):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"pip install 'onstage\[webhooks\]'") as exc:
        WebhookVerifier(keypair.public_pem)
    # deliberately not a WebhookVerificationError: a receiver must answer 5xx, not 4xx
    assert not isinstance(exc.value, WebhookVerificationError)
    with pytest.raises(ImportError, match="onstage"):
        WebhookVerifier()


def test_importing_the_package_does_not_need_cryptography() -> None:
    code = (
        "import sys; sys.modules['cryptography'] = None; import onstage.webhooks as w; "
        "assert 'cryptography.hazmat' not in sys.modules; "
        "print(w.TPStreamsWebhookVerifier('s').__class__.__name__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "WebhookVerifier"


def test_unknown_event_type_is_generic(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    body = b'{"event":"meeting.somethingNew","meeting":{"id":"m1"},"new":1}'
    event = verifier.unwrap_sync(body, keypair.headers(body))
    assert type(event) is RealtimeKitEvent
    assert event.event == "meeting.somethingNew"
    assert event.raw["new"] == 1


def test_repr_and_messages_hold_no_key_material(verifier: WebhookVerifier, keypair: KeyPair) -> None:
    assert "BEGIN" not in repr(verifier)
    assert repr(verifier) == "WebhookVerifier(key=given, loaded=True)"
    with pytest.raises(WebhookVerificationError) as exc:
        verifier.verify(BODY, {"rtk-signature": keypair.sign(b"x")})
    assert keypair.sign(b"x") not in str(exc.value)


def test_max_body_bytes_must_be_positive(keypair: KeyPair) -> None:
    with pytest.raises(InvalidArgumentError):
        WebhookVerifier(keypair.public_pem, max_body_bytes=0)
