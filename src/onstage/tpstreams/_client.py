"""``TPStreams``: the TP Streams (Testpress) client."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any, Self, Unpack

import httpx2

from .._client_base import BaseClient
from .._env import env_first, require
from .._envelope import unwrap_none
from .._generated.tpstreams.resources import Resources
from .._options import ClientOptions
from .._settings import check_bound_id, check_secret
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
        **options: Unpack[ClientOptions],
    ) -> None:
        tok = check_secret(require(token, "token", "TPSTREAMS_TOKEN"), "token")
        self._bound = {
            "organization_id": check_bound_id(
                "organization_id",
                env_first("TPSTREAMS_ORGANIZATION_ID") if organization_id is None else organization_id,
            )
        }
        super().__init__(
            base_url=(env_first("TPSTREAMS_BASE_URL") or DEFAULT_BASE_URL) if base_url is None else base_url,
            auth_headers={"Authorization": f"Token {tok}"},
            options=options,
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
        total_timeout: float | None | NotGiven = NOT_GIVEN,
    ) -> Self:
        """A configured copy sharing this client's connection pool."""
        clone = self._clone()
        if organization_id is not None:
            clone._bound = {"organization_id": check_bound_id("organization_id", organization_id)}
        return self._with_common_options(
            clone,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            base_url=base_url,
            total_timeout=total_timeout,
        )
