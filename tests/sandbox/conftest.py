from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from onstage.testing import Sandbox, WebhookReceiver


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# The loopback suites run on both HTTP backends: every client the `sb` fixture makes uses it.
@pytest.fixture(params=["httpx2", "aiohttp"])
def http_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def sb(http_backend: str) -> AsyncIterator[Sandbox]:
    async with Sandbox(client_options={"http_backend": http_backend}) as sandbox:
        yield sandbox


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver() as rec:
        yield rec
