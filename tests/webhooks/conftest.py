from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> Any:
    return request.param


class KeyPair:
    """A test RSA key pair that signs bodies like RealtimeKit does."""

    def __init__(self, bits: int = 2048) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        self.public_pem = (
            self.private.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )

    def sign_raw(self, body: bytes) -> bytes:
        return self.private.sign(body, padding.PKCS1v15(), hashes.SHA256())

    def sign(self, body: bytes) -> str:
        return base64.b64encode(self.sign_raw(body)).decode()

    def headers(self, body: bytes, **extra: str) -> dict[str, str]:
        return {
            "rtk-signature": self.sign(body),
            "rtk-uuid": "0d3c5a9e-delivery-0001",
            "rtk-webhook-id": "wh-6f1b2c3d",
            **extra,
        }


@pytest.fixture(scope="session")
def keypair() -> KeyPair:
    return KeyPair()


@pytest.fixture(scope="session")
def other_keypair() -> KeyPair:
    return KeyPair()
