"""``Webinar``: the Tenbyte Vidinfra Webinar client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, Unpack

import httpx2

from .._apis import APIS
from .._client_base import BaseClient
from .._generated.webinar.resources import Resources
from .._options import ClientOptions
from .._types import NOT_GIVEN, NotGiven

__all__ = ["DEFAULT_BASE_URL", "Webinar"]

DEFAULT_BASE_URL = APIS["webinar"].default_base_url


class Webinar(Resources, BaseClient):
    """Async client for the Vidinfra Webinar API (rooms and sessions).

    Authenticate with ``api_key=`` (sent as ``X-API-Key``; the default for server-to-server use) or
    ``bearer_token=`` (a host user's JWT). Environment: ``TENBYTE_API_KEY`` or
    ``WEBINAR_BEARER_TOKEN``, and ``WEBINAR_BASE_URL``. Responses are unwrapped from
    ``{success, data, timestamp}``.
    """

    _api = APIS["webinar"]

    def __init__(
        self,
        *,
        api_key: str | None = None,
        bearer_token: str | None = None,
        base_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(
            credentials={"api_key": api_key, "bearer_token": bearer_token},
            bound={},
            base_url=base_url,
            options=options,
        )

    def with_options(
        self,
        *,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        total_timeout: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A configured copy sharing this client's connection pool."""
        return self._with_common_options(
            self._clone(),
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            base_url=base_url,
            total_timeout=total_timeout,
        )
