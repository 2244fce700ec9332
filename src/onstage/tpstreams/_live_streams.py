"""Hand-written additions to the generated ``live_streams`` resource (``wait_until_ready``); the
generated methods themselves (``create`` with its datetime ``start`` included) are not restated."""

from __future__ import annotations

import anyio

from .._errors import InvalidArgumentError, WaitTimeoutError
from .._generated.tpstreams.models import Asset
from .._generated.tpstreams.resources.live_streams import LiveStreamsResource

__all__ = ["LiveStreams", "is_ready"]


def is_ready(asset: Asset) -> bool:
    live = asset.live_stream
    return bool(live is not None and live.rtmp_url and live.stream_key)


class LiveStreams(LiveStreamsResource):
    """``tp.live_streams``: the generated verbs plus ``wait_until_ready``."""

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
