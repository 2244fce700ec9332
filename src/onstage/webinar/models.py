"""Vidinfra Webinar models (generated from openapi/onstage.yaml)."""

from .._generated.webinar.models import *  # noqa: F403
from .._generated.webinar.models import __all__ as __all__
