"""``RealtimeKit``: the Cloudflare RealtimeKit client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, Unpack

import httpx2

from .._client_base import BaseClient
from .._env import env_first, require
from .._envelope import unwrap_data
from .._generated.realtimekit.resources import Resources
from .._options import ClientOptions
from .._settings import check_bound_id, check_secret
from .._types import NOT_GIVEN, NotGiven

__all__ = ["DEFAULT_BASE_URL", "RealtimeKit"]

DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4"


class RealtimeKit(Resources, BaseClient):
    """Async client for Cloudflare RealtimeKit (``/accounts/{account_id}/realtime/kit/...``).

    ``account_id`` and ``app_id`` are bound once; responses come back unwrapped from
    ``{success, data, paging}``. Credentials default to the environment: ``CLOUDFLARE_API_TOKEN``
    (or ``REALTIMEKIT_API_TOKEN``), ``CLOUDFLARE_ACCOUNT_ID``, ``REALTIMEKIT_APP_ID`` and
    ``REALTIMEKIT_BASE_URL``.
    """

    _unwrap = staticmethod(unwrap_data)

    def __init__(
        self,
        *,
        api_token: str | None = None,
        account_id: str | None = None,
        app_id: str | None = None,
        base_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        token = check_secret(
            require(api_token, "api_token", "CLOUDFLARE_API_TOKEN", "REALTIMEKIT_API_TOKEN"), "api_token"
        )
        self._bound = {
            "account_id": check_bound_id(
                "account_id", env_first("CLOUDFLARE_ACCOUNT_ID") if account_id is None else account_id
            ),
            "app_id": check_bound_id("app_id", env_first("REALTIMEKIT_APP_ID") if app_id is None else app_id),
        }
        super().__init__(
            base_url=(env_first("REALTIMEKIT_BASE_URL") or DEFAULT_BASE_URL)
            if base_url is None
            else base_url,
            auth_headers={"Authorization": f"Bearer {token}"},
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
        if app_id is not None:
            clone._bound = {**self._bound, "app_id": check_bound_id("app_id", app_id)}
        return self._with_common_options(
            clone,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            base_url=base_url,
            total_timeout=total_timeout,
        )
