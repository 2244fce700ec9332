"""Hand-written additions to the generated ``live_streams`` resource."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal

import anyio
import httpx2

from .._errors import InvalidArgumentError, WaitTimeoutError
from .._generated.tpstreams.models import Asset, LiveStreamLatency
from .._generated.tpstreams.resources import LiveStreamsResource
from .._types import NOT_GIVEN, NotGiven

__all__ = ["LiveStreams", "format_start"]


def format_start(start: datetime.datetime | str) -> str:
    """TP Streams wants ``"YYYY-MM-DD HH:MM:SS"`` with no time zone (its zone is unspecified).

    A naive datetime is sent as written. An aware one is rejected rather than silently converted:
    pass a naive datetime in the organization's local time.
    """
    if isinstance(start, str):
        return start
    if isinstance(start, datetime.datetime):
        if start.tzinfo is not None and start.utcoffset() is not None:
            raise InvalidArgumentError(
                "start must be a naive datetime (TP Streams does not document a time zone); "
                "convert it to the organization's local time and drop tzinfo"
            )
        return start.strftime("%Y-%m-%d %H:%M:%S")
    raise InvalidArgumentError(
        f"start must be a datetime or 'YYYY-MM-DD HH:MM:SS', got {type(start).__name__}"
    )


def is_ready(asset: Asset) -> bool:
    live = asset.live_stream
    return bool(live is not None and live.rtmp_url and live.stream_key)


class LiveStreams(LiveStreamsResource):
    """``tp.live_streams``: the generated verbs plus ``wait_until_ready`` and datetime ``start``."""

    async def create(
        self,
        *,
        title: str,
        start: datetime.datetime | str | NotGiven = NOT_GIVEN,
        enable_drm_for_recording: bool | NotGiven = NOT_GIVEN,
        latency: LiveStreamLatency | Literal["Low Latency", "Normal Latency"] | NotGiven = NOT_GIVEN,
        timeout: float | httpx2.Timeout | None | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        total_timeout: float | None | NotGiven = NOT_GIVEN,
    ) -> Asset:
        """Create a live stream: instant without ``start``, scheduled with it (a naive datetime or
        ``"YYYY-MM-DD HH:MM:SS"``). A scheduled stream needs ``start_server``."""
        return await super().create(
            title=title,
            start=NOT_GIVEN if isinstance(start, NotGiven) else format_start(start),
            enable_drm_for_recording=enable_drm_for_recording,
            latency=latency,
            timeout=timeout,
            max_retries=max_retries,
            extra_headers=extra_headers,
            extra_query=extra_query,
            total_timeout=total_timeout,
        )

    async def wait_until_ready(
        self,
        asset_id: str,
        *,
        timeout: float = 120.0,
        interval: float = 2.0,
        max_interval: float = 10.0,
    ) -> Asset:
        """Poll until the stream's server is up (``rtmp_url`` and ``stream_key`` present).

        The server takes about 20–30 s after create or ``start_server``. Raises ``WaitTimeoutError``
        (with the last asset seen in ``.last``) when ``timeout`` seconds pass first.
        """
        if timeout <= 0 or interval <= 0:
            raise InvalidArgumentError("timeout and interval must be positive")
        last: Asset | None = None
        delay = interval
        with anyio.move_on_after(timeout):
            while True:
                last = await self.get(asset_id)  # a NotFoundError propagates: no point waiting
                if is_ready(last):
                    return last
                await anyio.sleep(delay)
                delay = min(delay * 1.5, max_interval)
        status = last.live_stream.status if last is not None and last.live_stream is not None else None
        raise WaitTimeoutError(
            f"live stream {asset_id} not ready after {timeout:g}s (last status: {status})", last=last
        )
