"""``APIResponse``: the parsed model plus what raw HTTP access users ask for."""

from __future__ import annotations

import datetime
from typing import Any, Generic, TypeVar

import httpx2
from attrs import define, field

from ._errors import request_id_of

__all__ = ["APIResponse", "elapsed_of"]

T = TypeVar("T")


def elapsed_of(response: httpx2.Response) -> datetime.timedelta:
    try:
        return response.elapsed
    except RuntimeError:  # not measured (httpx2.MockTransport, or the body was not read)
        return datetime.timedelta(0)


@define(slots=True)
class APIResponse(Generic[T]):
    """A response with its parsed value: ``parsed``, ``status_code``, ``headers``, ``request_id``,
    ``elapsed``, ``retries_taken``, ``body`` (the JSON on the wire) and ``http_response``."""

    parsed: T
    http_response: httpx2.Response = field(repr=False)
    body: Any = field(repr=False)
    retries_taken: int = 0

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx2.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return request_id_of(self.http_response)

    @property
    def elapsed(self) -> datetime.timedelta:
        """Time from sending the request to reading the whole response (zero on transports that
        do not measure it, such as ``httpx2.MockTransport``)."""
        return elapsed_of(self.http_response)

    @property
    def url(self) -> httpx2.URL:
        return self.http_response.request.url
