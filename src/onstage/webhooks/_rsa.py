"""RSA-SHA256 (RSASSA-PKCS1-v1_5) signature checks with ``cryptography``, imported lazily.

``cryptography`` is the optional extra ``onstage[webhooks]``: importing ``onstage`` never needs it,
only loading a RealtimeKit public key or checking a signature does. When it is missing we raise a
plain ``ImportError`` (not ``WebhookVerificationError``) on purpose: a receiver that answers 400 on
verification errors would then answer 500 instead, and RealtimeKit retries 5xx but drops 4xx, so a
deployment mistake does not silently lose deliveries.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING

from .._errors import WebhookVerificationError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = [
    "INSTALL_HINT",
    "decode_signature",
    "expected_length",
    "load_public_key",
    "require_cryptography",
    "verify_signature",
]

INSTALL_HINT = (
    "RealtimeKit webhook verification needs the 'cryptography' package; install it with: "
    "pip install 'onstage[webhooks]'"
)

_B64_ALPHABET = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


def require_cryptography() -> None:
    """Raise ``ImportError`` with the install hint when ``cryptography`` cannot be imported."""
    try:
        from cryptography.hazmat.primitives import hashes, serialization  # noqa: F401, PLC0415
        from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: F401, PLC0415
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc


def load_public_key(pem: str | bytes) -> RSAPublicKey:
    """Load a PEM (SPKI, ``-----BEGIN PUBLIC KEY-----``) RSA public key.

    A key pasted into an environment variable often arrives with literal ``\\n`` sequences instead
    of newlines; those are turned back into newlines.
    """
    require_cryptography()
    from cryptography.hazmat.primitives import serialization  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: PLC0415

    if isinstance(pem, str):
        pem = pem.encode("utf-8")
    if not isinstance(pem, bytes | bytearray):
        raise TypeError(f"public key must be PEM text (str or bytes), not {type(pem).__name__}")
    pem = bytes(pem).strip()
    if b"\n" not in pem and b"\\n" in pem:
        pem = pem.replace(b"\\n", b"\n")
    if not pem:
        raise WebhookVerificationError("invalid public key: it is empty")
    if b"-----BEGIN PUBLIC KEY-----" not in pem:
        raise WebhookVerificationError(
            "invalid public key: expected a PEM SPKI key starting with '-----BEGIN PUBLIC KEY-----'"
        )
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError) as exc:
        raise WebhookVerificationError(f"invalid public key: the PEM could not be parsed ({exc})") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise WebhookVerificationError(f"invalid public key: expected an RSA key, got {type(key).__name__}")
    return key


def decode_signature(value: str, header: str) -> bytes:
    """Decode a base64 signature header value, with a reason for every way it can be malformed."""
    raw = value.strip().encode("ascii", errors="replace")
    if not raw:
        raise WebhookVerificationError(f"{header} header is empty")
    if _B64_ALPHABET.fullmatch(raw) is None:
        raise WebhookVerificationError(f"{header} header is not base64 (unexpected characters)")
    if len(raw) % 4:
        raise WebhookVerificationError(
            f"{header} header is not valid base64: its length ({len(raw)}) is not a multiple of 4 "
            "(truncated signature?)"
        )
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError(f"{header} header is not valid base64") from None


def expected_length(key: RSAPublicKey) -> int:
    return (key.key_size + 7) // 8


def verify_signature(key: RSAPublicKey, signature: bytes, body: bytes, *, header: str) -> None:
    """Check ``signature`` over the raw ``body``; raise ``WebhookVerificationError`` saying why not."""
    from cryptography.exceptions import InvalidSignature  # noqa: PLC0415
    from cryptography.hazmat.primitives import hashes  # noqa: PLC0415
    from cryptography.hazmat.primitives.asymmetric import padding  # noqa: PLC0415

    want = expected_length(key)
    if len(signature) != want:
        hint = " (truncated signature?)" if len(signature) < want else ""
        raise WebhookVerificationError(
            f"{header} has the wrong length: {len(signature)} bytes, expected {want} for a "
            f"{key.key_size}-bit key{hint}"
        )
    try:
        key.verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise WebhookVerificationError(
            f"bad signature: {header} does not match the body (wrong key, a modified body, or a body "
            "that was parsed and re-serialized instead of passed as the raw request bytes)"
        ) from None
