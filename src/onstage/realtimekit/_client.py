"""``RealtimeKit``: the Cloudflare RealtimeKit client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, Unpack

import httpx2

from .._apis import APIS
from .._client_base import BaseClient
from .._generated.realtimekit.resources import Resources
from .._options import ClientOptions
from .._types import NOT_GIVEN, NotGiven

__all__ = ["DEFAULT_BASE_URL", "RealtimeKit"]

DEFAULT_BASE_URL = APIS["realtimekit"].default_base_url


class RealtimeKit(Resources, BaseClient):
    """Async client for Cloudflare RealtimeKit (``/accounts/{account_id}/realtime/kit/...``).

    ``account_id`` and ``app_id`` are bound once; responses come back unwrapped from
    ``{success, data, paging}``. Credentials default to the environment: ``CLOUDFLARE_API_TOKEN``
    (or ``REALTIMEKIT_API_TOKEN``), ``CLOUDFLARE_ACCOUNT_ID``, ``REALTIMEKIT_APP_ID`` and
    ``REALTIMEKIT_BASE_URL``.
    """

    _api = APIS["realtimekit"]

    def __init__(
        self,
        *,
        api_token: str | None = None,
        account_id: str | None = None,
        app_id: str | None = None,
        base_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(
            credentials={"api_token": api_token},
            bound={"account_id": account_id, "app_id": app_id},
            base_url=base_url,
            options=options,
        )

    @property
    def account_id(self) -> str | None:
        return self._bound["account_id"]

    @property
    def app_id(self) -> str | None:
        return self._bound["app_id"]

    def with_options(
        self,
        *,
        app_id: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        total_timeout: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A configured copy sharing this client's connection pool (e.g. another ``app_id``)."""
        clone = self._clone()
        clone._rebind("app_id", app_id)
        return self._with_common_options(
            clone,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            base_url=base_url,
            total_timeout=total_timeout,
        )
