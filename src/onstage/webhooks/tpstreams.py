"""Verification of TP Streams webhook deliveries (a shared secret echoed in a header).

TP Streams sends the ``secret_token`` stored with the webhook registration in ``x-streams-token``
(``x-tpstreams-token`` in deliveries configured before the 2023 rename). It is not a signature: there
is no HMAC, timestamp or replay protection, so all we can do is compare it, in constant time. The body
is the full Asset JSON (the shape of ``GET /assets/<id>/``) with no event envelope: read ``type`` and
``video.status`` / ``live_stream.status``.

::

    verifier = WebhookVerifier(secret_token=os.environ["TPSTREAMS_WEBHOOK_SECRET"])
    event = await verifier.unwrap(await request.body(), request.headers)
    if event.is_live_stream and event.live_stream_status == "Streaming": ...
"""

from __future__ import annotations

import functools
import hmac
import importlib
from typing import Any

import attrs

from .._errors import InvalidArgumentError, WebhookVerificationError
from ._body import DEFAULT_MAX_BODY_BYTES, Body, check_body, parse_json_object
from ._headers import HeadersLike, normalize_headers, pick

__all__ = ["LEGACY_TOKEN_HEADER", "TOKEN_HEADER", "TPStreamsEvent", "WebhookVerifier"]

# Header names, not secrets.
TOKEN_HEADER = "x-streams-token"  # noqa: S105
LEGACY_TOKEN_HEADER = "x-tpstreams-token"  # noqa: S105


@functools.cache
def _asset_model() -> Any:
    """``onstage.tpstreams.models.Asset`` when that module exists, else ``None``."""
    try:
        module = importlib.import_module("..tpstreams.models", __package__)
    except Exception:  # missing, or half-generated: fall back to plain dicts
        return None
    model = getattr(module, "Asset", None)
    return model if callable(getattr(model, "from_dict", None)) else None


def _parse_asset(raw: dict[str, Any]) -> Any:
    model = _asset_model()
    if model is None:
        return raw
    try:
        return model.from_dict(raw)
    except Exception:
        # A payload the model rejects is still a verified delivery: keep the dict, never lose it.
        return raw


def _section(raw: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = raw.get(name)
    return value if isinstance(value, dict) else None


@attrs.frozen(kw_only=True)
class TPStreamsEvent:
    """A verified TP Streams delivery.

    ``asset`` is ``onstage.tpstreams.models.Asset`` when that model is available and accepts the
    payload, otherwise the payload ``dict``; ``raw`` is always the parsed payload.
    """

    asset: Any = attrs.field(repr=False)
    raw: dict[str, Any] = attrs.field(repr=False)

    def __repr__(self) -> str:
        return (
            f"TPStreamsEvent(asset_id={self.asset_id!r}, type={self.type!r}, "
            f"video_status={self.video_status!r}, live_stream_status={self.live_stream_status!r})"
        )

    @property
    def asset_id(self) -> str | None:
        value = self.raw.get("id")
        return value if isinstance(value, str) else None

    @property
    def type(self) -> str | None:
        """``video``, ``livestream`` or ``folder`` (kept open)."""
        value = self.raw.get("type")
        return value if isinstance(value, str) else None

    @property
    def is_live_stream(self) -> bool:
        return self.type == "livestream" or (
            self.type is None and _section(self.raw, "live_stream") is not None
        )

    @property
    def live_stream_status(self) -> str | None:
        """``Not Started``, ``Streaming``, ``Recording``, ``Disconnected``, ``Stopped``, ``Completed``,
        ``Error`` (or a newer/legacy value such as ``Available``), ``None`` without a live stream."""
        section = _section(self.raw, "live_stream")
        value = section.get("status") if section is not None else None
        return value if isinstance(value, str) else None

    @property
    def video_status(self) -> str | None:
        """``video.status`` (``Not Started``, ``Completed``…) or ``None`` when there is no video yet."""
        section = _section(self.raw, "video")
        value = section.get("status") if section is not None else None
        return value if isinstance(value, str) else None


class WebhookVerifier:
    """Checks the ``x-streams-token`` header (legacy ``x-tpstreams-token``) against ``secret_token``."""

    __slots__ = ("_secret", "accept_legacy_header", "max_body_bytes")

    def __init__(
        self,
        secret_token: str,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        accept_legacy_header: bool = True,
    ) -> None:
        if not isinstance(secret_token, str) or not secret_token:
            raise InvalidArgumentError("secret_token must be a non-empty string (the webhook's secret_token)")
        if max_body_bytes <= 0:
            raise InvalidArgumentError("max_body_bytes must be a positive number of bytes")
        self._secret = secret_token.encode("utf-8")
        self.max_body_bytes = max_body_bytes
        self.accept_legacy_header = accept_legacy_header

    def __repr__(self) -> str:
        return "WebhookVerifier(secret_token=[redacted])"

    def verify(self, headers: HeadersLike) -> None:
        """Raise ``WebhookVerificationError`` unless the token header matches the secret."""
        names = (TOKEN_HEADER, LEGACY_TOKEN_HEADER) if self.accept_legacy_header else (TOKEN_HEADER,)
        found = pick(normalize_headers(headers), *names)
        if found is None:
            legacy = f" (or legacy {LEGACY_TOKEN_HEADER})" if self.accept_legacy_header else ""
            raise WebhookVerificationError(f"missing {TOKEN_HEADER} header{legacy}")
        header, value = found
        # Constant time over bytes; compare_digest only leaks the length of the expected value.
        if not hmac.compare_digest(value.strip().encode("utf-8"), self._secret):
            raise WebhookVerificationError(f"{header} does not match the configured secret token")

    def unwrap_sync(self, body: Body, headers: HeadersLike) -> TPStreamsEvent:
        """Verify the token, then parse the Asset JSON body."""
        data = check_body(body, self.max_body_bytes)
        self.verify(headers)
        raw = parse_json_object(data)
        return TPStreamsEvent(asset=_parse_asset(raw), raw=raw)

    async def unwrap(self, body: Body, headers: HeadersLike) -> TPStreamsEvent:
        """Same as ``unwrap_sync`` (nothing here waits); async for symmetry with RealtimeKit."""
        return self.unwrap_sync(body, headers)
