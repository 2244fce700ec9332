"""Cloudflare RealtimeKit: ``from onstage import RealtimeKit``; models in ``onstage.realtimekit.models``."""

from ._client import RealtimeKit

__all__ = ["RealtimeKit"]
