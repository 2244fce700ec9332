"""Verification of RealtimeKit webhook deliveries (RSA-SHA256 over the raw body).

::

    verifier = WebhookVerifier()                      # fetches the public key on first use
    event = await verifier.unwrap(await request.body(), request.headers)
    if isinstance(event, MeetingEnded): ...

The ``rtk-signature`` header is a base64 RSASSA-PKCS1-v1_5/SHA-256 signature over the raw request
body. The public key is served at ``key_url``; it is fetched once and cached. When a signature does
not verify with a fetched key, the key is fetched again once (at most one refresh per 60 s, so bad
deliveries cannot make us hammer the key endpoint) to follow a key rotation. A key passed to the
constructor is trusted as is and never refetched.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import anyio
import httpx2

from .._errors import InvalidArgumentError, WebhookVerificationError
from .._redact import redact_text
from ._body import DEFAULT_MAX_BODY_BYTES, Body, PublicKeyUnavailableError, check_body, parse_json_object
from ._events import RealtimeKitEvent, parse_event
from ._headers import HeadersLike, normalize_headers, pick
from ._rsa import decode_signature, load_public_key, require_cryptography, verify_signature

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = [
    "DEFAULT_KEY_URL",
    "DELIVERY_ID_HEADER",
    "KEY_REFRESH_INTERVAL",
    "LEGACY_SIGNATURE_HEADER",
    "SIGNATURE_HEADER",
    "WEBHOOK_ID_HEADER",
    "WebhookVerifier",
]

DEFAULT_KEY_URL = "https://api.realtime.cloudflare.com/.well-known/webhooks.json"
SIGNATURE_HEADER = "rtk-signature"
LEGACY_SIGNATURE_HEADER = "dyte-signature"
DELIVERY_ID_HEADER = "rtk-uuid"
WEBHOOK_ID_HEADER = "rtk-webhook-id"
#: Seconds between two fetches of the public key triggered by signatures that do not verify.
KEY_REFRESH_INTERVAL = 60.0
_FETCH_TIMEOUT = 10.0


def _now() -> float:
    return anyio.current_time()


class WebhookVerifier:
    """Verifies RealtimeKit deliveries and parses them into typed events.

    ``public_key``: the PEM (SPKI) key; when omitted it is fetched from ``key_url`` with
    ``http_client`` (or a short-lived client of our own). ``max_body_bytes`` caps the body size.
    ``accept_legacy_dyte`` also accepts the ``dyte-signature`` header of Dyte-era deliveries.
    One verifier is meant to live as long as the application and be shared by all requests.
    """

    def __init__(
        self,
        public_key: str | bytes | None = None,
        *,
        key_url: str = DEFAULT_KEY_URL,
        http_client: httpx2.AsyncClient | None = None,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        accept_legacy_dyte: bool = True,
    ) -> None:
        if max_body_bytes <= 0:
            raise InvalidArgumentError("max_body_bytes must be a positive number of bytes")
        require_cryptography()  # fail at start-up, not on the first delivery
        self.key_url = key_url
        self.max_body_bytes = max_body_bytes
        self.accept_legacy_dyte = accept_legacy_dyte
        self._http_client = http_client
        self._key_given = public_key is not None
        self._key: RSAPublicKey | None = load_public_key(public_key) if public_key is not None else None
        self._lock: anyio.Lock | None = None
        self._fetched_at: float | None = None

    def __repr__(self) -> str:
        source = "given" if self._key_given else repr(redact_text(self.key_url))
        return f"WebhookVerifier(key={source}, loaded={self.key_loaded})"

    @property
    def key_loaded(self) -> bool:
        """Whether a public key is available to the synchronous ``verify``/``unwrap_sync``."""
        return self._key is not None

    # -- public API ------------------------------------------------------------------------------

    async def load_key(self) -> None:
        """Fetch the public key now (for instance at start-up) unless one is already loaded."""
        if self._key is None:
            await self._fetch()

    async def unwrap(self, body: Body, headers: HeadersLike) -> RealtimeKitEvent:
        """Verify a delivery and return its typed event; raise ``WebhookVerificationError`` if it
        does not verify. ``body`` must be the raw request bytes."""
        data, hdrs, header, signature = self._prepare(body, headers)
        key = self._key if self._key is not None else await self._fetch()
        try:
            verify_signature(key, signature, data, header=header)
        except WebhookVerificationError:
            if self._key_given:
                raise
            fresh = await self._refresh(key)
            if fresh is None:
                raise
            verify_signature(fresh, signature, data, header=header)
        return self._event(data, hdrs)

    def verify(self, body: Body, headers: HeadersLike) -> None:
        """Synchronous check with the key already loaded (passed in, or by ``await load_key()``)."""
        data, _, header, signature = self._prepare(body, headers)
        verify_signature(self._loaded_key(), signature, data, header=header)

    def unwrap_sync(self, body: Body, headers: HeadersLike) -> RealtimeKitEvent:
        """``verify`` then parse, for synchronous frameworks (no key fetch, no refresh)."""
        data, hdrs, header, signature = self._prepare(body, headers)
        verify_signature(self._loaded_key(), signature, data, header=header)
        return self._event(data, hdrs)

    # -- internals -------------------------------------------------------------------------------

    def _prepare(self, body: object, headers: HeadersLike) -> tuple[bytes, dict[str, str], str, bytes]:
        data = check_body(body, self.max_body_bytes)
        hdrs = normalize_headers(headers)
        names = (
            (SIGNATURE_HEADER, LEGACY_SIGNATURE_HEADER) if self.accept_legacy_dyte else (SIGNATURE_HEADER,)
        )
        found = pick(hdrs, *names)
        if found is None:
            legacy = f" (or legacy {LEGACY_SIGNATURE_HEADER})" if self.accept_legacy_dyte else ""
            raise WebhookVerificationError(f"missing {SIGNATURE_HEADER} header{legacy}")
        header, value = found
        return data, hdrs, header, decode_signature(value, header)

    def _event(self, data: bytes, hdrs: dict[str, str]) -> RealtimeKitEvent:
        return parse_event(
            parse_json_object(data),
            delivery_id=hdrs.get(DELIVERY_ID_HEADER),
            webhook_id=hdrs.get(WEBHOOK_ID_HEADER),
        )

    def _loaded_key(self) -> RSAPublicKey:
        if self._key is None:
            raise WebhookVerificationError(
                "no public key loaded yet: pass public_key= or 'await verifier.load_key()' before the "
                "synchronous verify()/unwrap_sync(), or use 'await verifier.unwrap()'"
            )
        return self._key

    def _get_lock(self) -> anyio.Lock:
        if self._lock is None:
            self._lock = anyio.Lock()
        return self._lock

    async def _fetch(self) -> RSAPublicKey:
        """Load the key once; concurrent first deliveries share one fetch."""
        async with self._get_lock():
            if self._key is not None:
                return self._key
            self._fetched_at = _now()
            self._key = await self._download()
            return self._key

    async def _refresh(self, stale: RSAPublicKey) -> RSAPublicKey | None:
        """Fetch the key again after a failed verification; ``None`` when it cannot have changed."""
        async with self._get_lock():
            if self._key is not None and self._key is not stale:
                return self._key  # another delivery refreshed it while we waited
            if self._fetched_at is not None and _now() - self._fetched_at < KEY_REFRESH_INTERVAL:
                return None
            self._fetched_at = _now()
            fresh = await self._download()
            if fresh.public_numbers() == stale.public_numbers():
                return None  # same key: the signature is simply bad
            self._key = fresh
            return fresh

    async def _download(self) -> RSAPublicKey:
        url = self.key_url
        where = redact_text(url)
        try:
            if self._http_client is None:
                async with httpx2.AsyncClient(timeout=_FETCH_TIMEOUT) as client:
                    response = await client.get(url)
            else:
                response = await self._http_client.get(url)
        except httpx2.HTTPError as exc:
            raise PublicKeyUnavailableError(
                f"the webhook public key could not be fetched from {where}: {type(exc).__name__}"
            ) from exc
        if not response.is_success:
            raise PublicKeyUnavailableError(
                f"the webhook public key could not be fetched from {where}: HTTP {response.status_code}"
            )
        try:
            document: Any = response.json()
        except ValueError:
            raise PublicKeyUnavailableError(f"the key document at {where} is not JSON") from None
        data = document.get("data") if isinstance(document, dict) else None
        pem = data.get("publicKey") if isinstance(data, dict) else None
        if not isinstance(pem, str) or not pem.strip():
            raise PublicKeyUnavailableError(f"the key document at {where} has no data.publicKey")
        try:
            return load_public_key(pem)
        except WebhookVerificationError as exc:
            raise PublicKeyUnavailableError(f"the key served at {where} is invalid: {exc}") from None
