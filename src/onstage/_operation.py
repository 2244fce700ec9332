"""What the runtime needs to know about one operation. Instances are generated per API into
the endpoint modules ``_generated/<api>/api/<tag>.py`` from the spec (method, path, ``x-onstage``
metadata, secret parameters)."""

from __future__ import annotations

from attrs import frozen

__all__ = ["Operation", "Pagination"]


@frozen
class Pagination:
    style: str  # "page_no" | "next" | "page" | "single"
    # The attribute of the parsed payload holding the items; None: the payload is the list.
    items: str | None = None


@frozen
class Operation:
    id: str
    method: str
    path: str
    resource: str
    name: str
    idempotent: bool
    unwrap_key: str | None = None
    pagination: Pagination | None = None
    # Path and query parameters the spec marks secret (``x-onstage-secret``): the logger prints
    # ``[redacted]`` in their place in URLs.
    secret_params: tuple[str, ...] = ()
