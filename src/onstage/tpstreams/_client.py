"""``TPStreams``: the TP Streams (Testpress) client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any, Self

import httpx2

from .._client_base import BaseClient
from .._env import env_first, require
from .._envelope import unwrap_none
from .._generated.tpstreams.resources import Resources
from .._hooks import Hook
from .._retry import DEFAULT_MAX_RETRIES
from .._types import NOT_GIVEN, NotGiven
from ._live_streams import LiveStreams

__all__ = ["DEFAULT_BASE_URL", "TPStreams"]

DEFAULT_BASE_URL = "https://app.tpstreams.com"


class TPStreams(Resources, BaseClient):
    """Async client for TP Streams (``/api/v1/{organization_id}/...``, ``Authorization: Token``).

    ``organization_id`` is bound once. ``base_url`` is the host root (paths carry ``/api/...``).
    Environment: ``TPSTREAMS_TOKEN``, ``TPSTREAMS_ORGANIZATION_ID``, ``TPSTREAMS_BASE_URL``.
    """

    _unwrap = staticmethod(unwrap_none)

    def __init__(
        self,
        *,
        organization_id: str | None = None,
        token: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        http_client: httpx2.AsyncClient | None = None,
        on_request: Sequence[Hook] | None = None,
        on_response: Sequence[Hook] | None = None,
        on_retry: Sequence[Hook] | None = None,
    ) -> None:
        tok = require(token, "token", "TPSTREAMS_TOKEN")
        self._bound = {"organization_id": organization_id or env_first("TPSTREAMS_ORGANIZATION_ID")}
        super().__init__(
            base_url=base_url or env_first("TPSTREAMS_BASE_URL") or DEFAULT_BASE_URL,
            auth_headers={"Authorization": f"Token {tok}"},
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            http_client=http_client,
            on_request=on_request,
            on_response=on_response,
            on_retry=on_retry,
        )

    @property
    def organization_id(self) -> str | None:
        return self._bound["organization_id"]

    @cached_property
    def live_streams(self) -> LiveStreams:
        """Live streams, with ``wait_until_ready`` and datetime ``start`` on top of the generated verbs."""
        return LiveStreams(self)

    def with_options(
        self,
        *,
        organization_id: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
        default_query: Mapping[str, Any] | None = None,
    ) -> Self:
        """A configured copy sharing this client's connection pool."""
        clone = self._clone()
        if organization_id is not None:
            clone._bound = {"organization_id": organization_id}
        return self._with_common_options(
            clone,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            base_url=base_url,
        )
