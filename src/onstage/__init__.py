"""onstage — async-first SDK for Cloudflare RealtimeKit, TP Streams and the Vidinfra Webinar API."""

from ._log import setup_logging as _setup_logging
from ._version import __version__

__all__ = ["__version__"]

_setup_logging()
