"""Verification of RealtimeKit webhook deliveries (RSA-SHA256 over the raw body).

::

    verifier = WebhookVerifier()                      # fetches the public key on first use
    event = await verifier.unwrap(await request.body(), request.headers)        # ASGI frameworks
    event = verifier.unwrap_sync(request.body, request.headers)                 # WSGI: Django, Flask
    if isinstance(event, MeetingEnded): ...

The ``rtk-signature`` header is a base64 RSASSA-PKCS1-v1_5/SHA-256 signature over the raw request
body. The public key is served at ``key_url``; it is fetched once and cached. When a signature does
not verify with a fetched key, the key is fetched again once (at most one refresh per 60 s, so bad
deliveries cannot make us hammer the key endpoint) to follow a key rotation. A key passed to the
constructor is trusted as is and never refetched. The synchronous methods (``verify``,
``unwrap_sync``, ``load_key_sync``) do the same with a blocking fetch (an ``httpx2.Client``), safe
from many threads: the WSGI path.
"""

from __future__ import annotations

import threading
import time
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
_SyncClient = httpx2.Client  # which kind of client a caller passed


_now = time.monotonic  # a clock for both flavours (the refresh interval is a minute)


class WebhookVerifier:
    """Verifies RealtimeKit deliveries and parses them into typed events.

    ``public_key``: the PEM (SPKI) key; when omitted it is fetched from ``key_url`` with
    ``http_client`` (an ``httpx2.AsyncClient`` for ``unwrap``/``load_key``, an ``httpx2.Client`` for
    the synchronous methods; otherwise a short-lived client of our own). ``max_body_bytes`` caps the
    body size.
    ``accept_legacy_dyte`` also accepts the ``dyte-signature`` header of Dyte-era deliveries.
    One verifier is meant to live as long as the application and be shared by all requests.
    """

    def __init__(
        self,
        public_key: str | bytes | None = None,
        *,
        key_url: str = DEFAULT_KEY_URL,
        http_client: httpx2.AsyncClient | httpx2.Client | None = None,
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
        self._thread_lock = threading.Lock()
        self._fetched_at: float | None = None

    def __repr__(self) -> str:
        source = "given" if self._key_given else repr(redact_text(self.key_url))
        return f"WebhookVerifier(key={source}, loaded={self.key_loaded})"

    @property
    def key_loaded(self) -> bool:
        """Whether a public key is loaded (passed in, or fetched)."""
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

    def load_key_sync(self) -> None:
        """``load_key`` for synchronous code (a blocking fetch)."""
        if self._key is None:
            self._fetch_sync()

    def verify(self, body: Body, headers: HeadersLike) -> None:
        """Synchronous check: raise ``WebhookVerificationError`` if the delivery does not verify.
        Fetches the key (blocking) when none is loaded and follows a key rotation, like ``unwrap``."""
        data, _, header, signature = self._prepare(body, headers)
        self._verify_sync(data, header, signature)

    def unwrap_sync(self, body: Body, headers: HeadersLike) -> RealtimeKitEvent:
        """``unwrap`` for synchronous frameworks (Django, Flask, a Celery task): ``verify``, then the
        typed event. ``body`` must be the raw request bytes (``request.body``, ``request.get_data()``)."""
        data, hdrs, header, signature = self._prepare(body, headers)
        self._verify_sync(data, header, signature)
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

    def _verify_sync(self, data: bytes, header: str, signature: bytes) -> None:
        key = self._key if self._key is not None else self._fetch_sync()
        try:
            verify_signature(key, signature, data, header=header)
        except WebhookVerificationError:
            if self._key_given:
                raise
            fresh = self._refresh_sync(key)
            if fresh is None:
                raise
            verify_signature(fresh, signature, data, header=header)

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
            self._key = _key_from(await self._get_async(), self.key_url)
            return self._key

    def _fetch_sync(self) -> RSAPublicKey:
        with self._thread_lock:
            if self._key is not None:
                return self._key
            self._fetched_at = _now()
            self._key = _key_from(self._get_sync(), self.key_url)
            return self._key

    async def _refresh(self, stale: RSAPublicKey) -> RSAPublicKey | None:
        """Fetch the key again after a failed verification; ``None`` when it cannot have changed."""
        async with self._get_lock():
            if not self._may_refresh(stale):
                return self._key if self._key is not stale else None
            return self._take(_key_from(await self._get_async(), self.key_url), stale)

    def _refresh_sync(self, stale: RSAPublicKey) -> RSAPublicKey | None:
        with self._thread_lock:
            if not self._may_refresh(stale):
                return self._key if self._key is not stale else None
            return self._take(_key_from(self._get_sync(), self.key_url), stale)

    def _may_refresh(self, stale: RSAPublicKey) -> bool:
        """False when another delivery refreshed the key meanwhile, or the last fetch is too recent."""
        if self._key is not None and self._key is not stale:
            return False
        if self._fetched_at is not None and _now() - self._fetched_at < KEY_REFRESH_INTERVAL:
            return False
        self._fetched_at = _now()
        return True

    def _take(self, fresh: RSAPublicKey, stale: RSAPublicKey) -> RSAPublicKey | None:
        if fresh.public_numbers() == stale.public_numbers():
            return None  # same key: the signature is simply bad
        self._key = fresh
        return fresh

    async def _get_async(self) -> httpx2.Response | httpx2.HTTPError:
        given = self._http_client
        try:
            if given is not None and not isinstance(given, _SyncClient):  # the async one
                return await given.get(self.key_url)
            async with httpx2.AsyncClient(timeout=_FETCH_TIMEOUT) as client:
                return await client.get(self.key_url)
        except httpx2.HTTPError as exc:
            return exc

    def _get_sync(self) -> httpx2.Response | httpx2.HTTPError:
        try:
            if isinstance(self._http_client, _SyncClient):
                return self._http_client.get(self.key_url)
            with httpx2.Client(timeout=_FETCH_TIMEOUT) as client:
                return client.get(self.key_url)
        except httpx2.HTTPError as exc:
            return exc


def _key_from(response: httpx2.Response | httpx2.HTTPError, url: str) -> RSAPublicKey:
    """The public key in the key document (``{"data": {"publicKey": PEM}}``), or
    ``PublicKeyUnavailableError`` saying what was wrong (the URL redacted)."""
    where = redact_text(url)
    if isinstance(response, httpx2.HTTPError):
        raise PublicKeyUnavailableError(
            f"the webhook public key could not be fetched from {where}: {type(response).__name__}"
        ) from response
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
