"""TP Streams models (generated from openapi/onstage.yaml).

Each model loads on first use (``from onstage.tpstreams.models import X`` imports only X's group), so
``import onstage`` pays for no model; type checkers see every name through the import below.
"""

from typing import TYPE_CHECKING

from .._generated.tpstreams import models as _models
from .._generated.tpstreams.models import __all__ as __all__
from .._lazy import lazy_attributes

if TYPE_CHECKING:
    from .._generated.tpstreams.models import *  # noqa: F403
else:
    __getattr__, __dir__ = lazy_attributes(globals(), _models.WHERE, _models.__name__)
