"""``TPStreams``: the TP Streams (Testpress) client."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, Unpack

import httpx2

from .._apis import APIS
from .._client_base import BaseClient
from .._generated.tpstreams.resources import Resources
from .._options import ClientOptions
from .._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from ._live_streams import LiveStreams

__all__ = ["DEFAULT_BASE_URL", "TPStreams"]

DEFAULT_BASE_URL = APIS["tpstreams"].default_base_url


class TPStreams(Resources, BaseClient):
    """Async client for TP Streams (``/api/v1/{organization_id}/...``, ``Authorization: Token``).

    ``organization_id`` is bound once. ``base_url`` is the host root (paths carry ``/api/...``).
    Environment: ``TPSTREAMS_TOKEN``, ``TPSTREAMS_ORGANIZATION_ID``, ``TPSTREAMS_BASE_URL``.
    """

    _api = APIS["tpstreams"]

    def __init__(
        self,
        *,
        organization_id: str | None = None,
        token: str | None = None,
        base_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(
            credentials={"token": token},
            bound={"organization_id": organization_id},
            base_url=base_url,
            options=options,
        )

    @property
    def organization_id(self) -> str | None:
        return self._bound["organization_id"]

    @property
    def live_streams(self) -> LiveStreams:
        """``live_streams``: the generated verbs (``create`` takes a naive ``datetime`` ``start``) and
        ``wait_until_ready``; loaded on first use."""
        made: LiveStreams | None = self.__dict__.get("live_streams")
        if made is None:
            from ._live_streams import LiveStreams  # noqa: PLC0415

            made = self.__dict__["live_streams"] = LiveStreams(self)
        return made

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
        clone._rebind("organization_id", organization_id)
        return self._with_common_options(
            clone,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            base_url=base_url,
            total_timeout=total_timeout,
        )
