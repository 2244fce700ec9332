from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from onstage.testing import Sandbox, WebhookReceiver


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    async with WebhookReceiver() as rec:
        yield rec
