"""When a TP Streams live stream is ready, whichever the flavour: its server is up once the asset
carries ``rtmp_url`` and ``stream_key``. ``wait_until_ready`` (async ``_live_streams`` and its
generated sync twin) polls for it."""

from __future__ import annotations

from ._errors import InvalidArgumentError, WaitTimeoutError
from ._generated.tpstreams.models import Asset

__all__ = ["check_wait", "is_ready", "not_ready"]


def is_ready(asset: Asset) -> bool:
    live = asset.live_stream
    return bool(live is not None and live.rtmp_url and live.stream_key)


def check_wait(timeout: float, interval: float) -> None:
    if timeout <= 0 or interval <= 0:
        raise InvalidArgumentError("timeout and interval must be positive")


def not_ready(asset_id: str, timeout: float, last: Asset | None) -> WaitTimeoutError:
    status = last.live_stream.status if last is not None and last.live_stream is not None else None
    return WaitTimeoutError(
        f"live stream {asset_id} not ready after {timeout:g}s (last status: {status})", last=last
    )
