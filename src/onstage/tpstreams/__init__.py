"""TP Streams: ``from onstage import TPStreams``; models in ``onstage.tpstreams.models``."""

from ._client import TPStreams

__all__ = ["TPStreams"]
