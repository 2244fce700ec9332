"""Per-call options: ``timeout=``, ``max_retries=``, ``extra_headers=``, ``extra_query=``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx2
from attrs import frozen

from ._types import NOT_GIVEN, NotGiven

__all__ = ["RequestOptions", "make_options", "to_timeout", "with_query"]


@frozen
class RequestOptions:
    timeout: float | httpx2.Timeout | None | NotGiven = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, Any] | None = None


def make_options(
    timeout: float | httpx2.Timeout | None | NotGiven,
    max_retries: int | NotGiven,
    extra_headers: Mapping[str, str] | None,
    extra_query: Mapping[str, Any] | None,
) -> RequestOptions | None:
    """None when nothing was given: the hot path then takes the client defaults without allocating."""
    if timeout is NOT_GIVEN and max_retries is NOT_GIVEN and extra_headers is None and extra_query is None:
        return None
    return RequestOptions(timeout, max_retries, extra_headers, extra_query)


def to_timeout(value: float | httpx2.Timeout | None) -> httpx2.Timeout:
    if isinstance(value, httpx2.Timeout):
        return value
    return httpx2.Timeout(value)


def with_query(options: RequestOptions | None, query: Mapping[str, Any]) -> RequestOptions | None:
    """``options`` with ``query`` merged over its ``extra_query`` (used for page parameters)."""
    if not query:
        return options
    if options is None:
        return RequestOptions(extra_query=dict(query))
    return RequestOptions(
        options.timeout, options.max_retries, options.extra_headers, {**(options.extra_query or {}), **query}
    )
