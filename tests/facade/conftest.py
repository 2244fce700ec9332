"""Fixtures of the facade tests."""

from __future__ import annotations

import pytest

from .helpers import FLAVOURS, Flavour


@pytest.fixture(params=FLAVOURS)
def flavour(request: pytest.FixtureRequest) -> Flavour:
    """Each test taking it runs on the async and the sync client (same spec, same checks)."""
    return request.param  # type: ignore[no-any-return]
