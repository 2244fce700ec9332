"""``Webinar``: the Tenbyte Vidinfra Webinar client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, Unpack

import httpx2

from .._client_base import BaseClient
from .._env import env_first
from .._envelope import unwrap_data
from .._errors import ConfigurationError
from .._generated.webinar.resources import Resources
from .._options import ClientOptions
from .._settings import check_secret
from .._types import NOT_GIVEN, NotGiven

__all__ = ["DEFAULT_BASE_URL", "Webinar"]

DEFAULT_BASE_URL = "https://api.tenbyte.io/v1/webinar"


class Webinar(Resources, BaseClient):
    """Async client for the Vidinfra Webinar API (rooms and sessions).

    Authenticate with ``api_key=`` (sent as ``X-API-Key``; the default for server-to-server use) or
    ``bearer_token=`` (a host user's JWT). Environment: ``TENBYTE_API_KEY`` or
    ``WEBINAR_BEARER_TOKEN``, and ``WEBINAR_BASE_URL``. Responses are unwrapped from
    ``{success, data, timestamp}``.
    """

    _unwrap = staticmethod(unwrap_data)

    def __init__(
        self,
        *,
        api_key: str | None = None,
        bearer_token: str | None = None,
        base_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        if api_key and bearer_token:
            raise ConfigurationError("pass api_key or bearer_token, not both")
        if not api_key and not bearer_token:
            api_key = env_first("TENBYTE_API_KEY", "WEBINAR_API_KEY")
            bearer_token = None if api_key else env_first("WEBINAR_BEARER_TOKEN")
        if api_key:
            auth = {"X-API-Key": check_secret(api_key, "api_key")}
        elif bearer_token:
            auth = {"Authorization": f"Bearer {check_secret(bearer_token, 'bearer_token')}"}
        else:
            raise ConfigurationError(
                "api_key or bearer_token is required: pass one or set TENBYTE_API_KEY / WEBINAR_BEARER_TOKEN"
            )
        super().__init__(
            base_url=(env_first("WEBINAR_BASE_URL") or DEFAULT_BASE_URL) if base_url is None else base_url,
            auth_headers=auth,
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
