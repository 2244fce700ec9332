"""Outgoing webhooks: a queue of deliveries the API packages build (and may sign with the sandbox's
RSA key), sent with retries by a background worker with an ``httpx2.AsyncClient``, or in process to
an ASGI app registered for the URL's origin (``local_apps``)."""

from __future__ import annotations

import base64
import functools
import json
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .asgi import App
from .local_apps import LocalApps

__all__ = ["Delivery", "Dispatcher"]

_RETRY_DELAY = 0.05


@dataclass
class Delivery:
    """One webhook delivery (after its retries): what was sent and how it went."""

    api: str
    url: str
    event: str | None
    body: bytes
    headers: dict[str, str]
    status_code: int | None = None
    error: str | None = None
    attempts: int = 0
    done: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Queue:
    items: deque[Delivery] = field(default_factory=deque)
    pending: int = 0


class Dispatcher:
    """Signs and queues deliveries; ``run`` delivers them; ``flush`` waits until the queue is empty.

    ``apps`` (origin -> ASGI app, also ``add_app``) receive the deliveries addressed to their origin
    in process; every other delivery goes over the network."""

    def __init__(
        self, *, retries: int = 2, timeout: float = 5.0, apps: Mapping[str, App] | None = None
    ) -> None:
        self.deliveries: list[Delivery] = []
        self.retries = retries
        self.timeout = timeout
        self.apps = LocalApps(apps)
        self._queue = _Queue()
        self._wake: anyio.Event | None = None
        self._idle: anyio.Event | None = None

    # -- producing ---------------------------------------------------------------------------------
    @functools.cached_property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The signing key, made on first use (a 2048-bit key takes ~65 ms: most sandboxes in a test
        run never sign)."""
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @functools.cached_property
    def public_key_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )

    def sign(self, body: bytes) -> str:
        """Base64 RSA PKCS#1 v1.5 SHA-256 signature of ``body`` with the sandbox's key."""
        signature = self.private_key.sign(body, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    def enqueue(self, delivery: Delivery) -> Delivery:
        self.deliveries.append(delivery)
        self._queue.items.append(delivery)
        self._queue.pending += 1
        if self._wake is not None:
            self._wake.set()
        return delivery

    def clear(self) -> None:
        self.deliveries.clear()

    def add_app(self, origin: str, app: App) -> None:
        """Deliver what is addressed to ``origin`` (``"https://app.example"``) to ``app`` in process."""
        self.apps.add(origin, app)

    # -- delivering --------------------------------------------------------------------------------
    async def run(self) -> None:
        """Deliver forever (cancel to stop)."""
        async with httpx2.AsyncClient(timeout=self.timeout) as client:
            while True:
                while self._queue.items:
                    delivery = self._queue.items.popleft()
                    try:
                        await self._deliver(client, delivery)
                    finally:
                        delivery.done = True
                        self._queue.pending -= 1
                if self._queue.pending == 0 and self._idle is not None:
                    self._idle.set()
                    self._idle = None
                self._wake = anyio.Event()
                if not self._queue.items:
                    await self._wake.wait()

    async def _post(self, client: httpx2.AsyncClient, delivery: Delivery) -> httpx2.Response:
        app = self.apps.find(delivery.url)
        if app is None:
            return await client.post(delivery.url, content=delivery.body, headers=delivery.headers)
        with anyio.fail_after(self.timeout):  # no transport timeout in process
            return await self.apps.post(app, delivery.url, delivery.body, delivery.headers, self.timeout)

    async def _deliver(self, client: httpx2.AsyncClient, delivery: Delivery) -> None:
        for attempt in range(self.retries + 1):
            delivery.attempts = attempt + 1
            try:
                response = await self._post(client, delivery)
            except (httpx2.HTTPError, TimeoutError) as exc:
                delivery.error = f"{type(exc).__name__}: {exc}"
                delivery.status_code = None
            else:
                delivery.status_code = response.status_code
                delivery.error = None
                if response.status_code < 500:
                    return
            if attempt < self.retries:
                await anyio.sleep(_RETRY_DELAY * (attempt + 1))

    async def flush(self, timeout: float = 10.0) -> None:
        with anyio.fail_after(timeout):
            while self._queue.pending:
                if self._idle is None:
                    self._idle = anyio.Event()
                await self._idle.wait()
