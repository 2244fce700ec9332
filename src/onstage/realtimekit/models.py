"""Cloudflare RealtimeKit models (generated from openapi/onstage.yaml)."""

from .._generated.realtimekit.models import *  # noqa: F403
from .._generated.realtimekit.models import __all__ as __all__
