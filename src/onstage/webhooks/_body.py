"""Checks on a delivery's raw body shared by every verifier: type, emptiness, size, JSON object."""

from __future__ import annotations

import json
from typing import Any, TypeAlias

from .._errors import WebhookVerificationError

__all__ = ["DEFAULT_MAX_BODY_BYTES", "Body", "PublicKeyUnavailableError", "check_body", "parse_json_object"]

DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024

#: The raw request body, exactly as received.
Body: TypeAlias = bytes | bytearray | memoryview


class PublicKeyUnavailableError(WebhookVerificationError):
    """The RealtimeKit public key could not be fetched or the served key is invalid.

    Unlike other verification failures this is usually the receiver's problem (network, DNS,
    a key endpoint outage), not the sender's: answer 5xx so RealtimeKit retries the delivery
    (``webhook_app`` answers 503).
    """


def check_body(body: object, max_body_bytes: int) -> bytes:
    """Return ``body`` as ``bytes`` after the type, empty and size checks."""
    if isinstance(body, str):
        raise TypeError(
            "webhook body must be the raw request bytes, not str: pass request.body() / request.get_data() "
            "unchanged (a decoded or re-serialized body never verifies)"
        )
    if not isinstance(body, bytes | bytearray | memoryview):
        raise TypeError(
            f"webhook body must be the raw request bytes, not {type(body).__name__}: parsed and "
            "re-serialized JSON never verifies, pass the body exactly as received"
        )
    data = bytes(body)
    if not data:
        raise WebhookVerificationError("empty body")
    if len(data) > max_body_bytes:
        raise WebhookVerificationError(f"body too large: {len(data)} bytes, the limit is {max_body_bytes}")
    return data


def parse_json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise WebhookVerificationError("body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise WebhookVerificationError(f"body is JSON but not an object (got {type(payload).__name__})")
    return payload
