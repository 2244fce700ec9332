"""Vidinfra Webinar: ``from onstage import Webinar``; models in ``onstage.webinar.models``."""

from ._client import Webinar

__all__ = ["Webinar"]
