"""TP Streams models (generated from openapi/onstage.yaml)."""

from .._generated.tpstreams.models import *  # noqa: F403
from .._generated.tpstreams.models import __all__ as __all__
