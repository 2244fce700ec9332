"""``AsyncPaginator``: every list endpoint returns one.

    async for meeting in rtk.meetings.list(): ...          # every item of every page
    async for page in rtk.meetings.list().pages(): ...     # Page objects (items, total, raw response)
    first = await rtk.meetings.list(per_page=10).first_page()

Styles: ``page_no`` (RealtimeKit ``page_no``/``per_page`` + ``paging.total_count``), ``next`` (DRF
``{count, next, previous, results}``: follow ``next``), ``page`` (Webinar ``page``/``limit`` + ``total``)
and ``single`` (one page). Iteration stops on the total or the last page, never only on an empty
page, and raises ``PaginationError`` when a page makes no progress (a misbehaving server cannot make
it loop forever).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlsplit

from attrs import define, field

from ._errors import PaginationError
from ._operation import Pagination
from ._response import APIResponse

__all__ = ["AsyncPaginator", "Page"]

T = TypeVar("T")

Fetch = Callable[[dict[str, Any]], Awaitable[APIResponse[Any]]]

MAX_PAGES = 100_000


@define(slots=True)
class Page(Generic[T]):
    """One page: ``items``, ``total`` (when the API says), and the raw ``response``."""

    items: list[T]
    total: int | None
    response: APIResponse[Any] = field(repr=False)
    number: int = 1

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _items(parsed: Any, attr: str | None) -> list[Any]:
    if attr is not None:
        parsed = getattr(parsed, attr, None) if not isinstance(parsed, dict) else parsed.get(attr)
    if parsed is None:
        return []
    if isinstance(parsed, list):
        return parsed
    return [parsed]


def _total(body: Any, style: str) -> int | None:
    if not isinstance(body, dict):
        return None
    if style == "next":
        return _as_int(body.get("count"))
    data = body.get("data")
    if style == "page":
        return _as_int(data.get("total")) if isinstance(data, dict) else None
    paging = body.get("paging")
    if not isinstance(paging, dict) and isinstance(data, dict):
        paging = data.get("paging")
    return _as_int(paging.get("total_count")) if isinstance(paging, dict) else None


class AsyncPaginator(Generic[T]):
    """Lazily fetches pages. Async-iterable over items; see the module docstring."""

    def __init__(self, fetch: Fetch, pagination: Pagination, params: dict[str, Any], operation: str) -> None:
        self._fetch = fetch
        self._style = pagination.style
        self._attr = pagination.items
        self._params = params
        self._operation = operation

    def __repr__(self) -> str:
        return f"AsyncPaginator({self._operation}, style={self._style!r})"

    async def first_page(self) -> Page[T]:
        async for page in self.pages():
            return page
        raise PaginationError(f"{self._operation}: no page returned")  # pragma: no cover - pages() yields once

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iter_items()

    async def _iter_items(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def to_list(self, limit: int | None = None) -> list[T]:
        """Collect items (all of them, or the first ``limit``)."""
        out: list[T] = []
        async for item in self:
            out.append(item)
            if limit is not None and len(out) >= limit:
                break
        return out

    async def pages(self) -> AsyncIterator[Page[T]]:
        style = self._style
        params = dict(self._params)
        size_key = {"page_no": "per_page", "page": "limit"}.get(style)
        page_key = {"page_no": "page_no", "page": "page"}.get(style)
        if page_key is not None:
            params.setdefault(page_key, 1)
        number = 0
        seen = 0
        previous: Sequence[Any] | None = None
        next_url: str | None = None
        while True:
            number += 1
            if number > MAX_PAGES:
                raise PaginationError(f"{self._operation}: more than {MAX_PAGES} pages; giving up")
            response = await self._fetch(params)
            items: list[T] = _items(response.parsed, self._attr)
            body = response.body
            total = _total(body, style)
            yield Page(items, total, response, number)
            if style == "single":
                return
            seen += len(items)
            raw = _raw_items(body, style, self._attr)
            if style == "next":
                nxt = body.get("next") if isinstance(body, dict) else None
                if not nxt:
                    return
                if not items or nxt == next_url:
                    raise PaginationError(f"{self._operation}: page {number} made no progress (next={nxt!r})")
                next_url = nxt
                params = _params_from_next(nxt, params)
                continue
            if total is not None and seen >= total:
                return
            if not items:
                if total is not None and seen < total:
                    raise PaginationError(
                        f"{self._operation}: page {number} is empty but the API reported {total} items ({seen} seen)"
                    )
                return
            if previous is not None and raw is not None and raw == previous:
                raise PaginationError(f"{self._operation}: page {number} repeated the previous page")
            previous = raw
            size = _as_int(params.get(size_key)) if size_key else None
            if total is None and size is not None and len(items) < size:
                return
            assert page_key is not None
            params = {**params, page_key: (_as_int(params.get(page_key)) or 1) + 1}


def _raw_items(body: Any, style: str, attr: str | None) -> Sequence[Any] | None:
    if not isinstance(body, dict):
        return None
    data = body.get("results") if style == "next" else body.get("data")
    if attr is not None and isinstance(data, dict):
        data = data.get(attr)
    return data if isinstance(data, list) else None


def _params_from_next(next_url: str, params: dict[str, Any]) -> dict[str, Any]:
    """The query of a DRF ``next`` link, applied to our own base URL and path.

    Only the query is taken: the link's host is ignored so a proxy or sandbox ``base_url`` keeps
    working and credentials never follow a link to another host.
    """
    query = urlsplit(next_url).query
    new = {k: v for k, v in params.items() if k not in ("limit", "offset", "page", "cursor")}
    for key, value in parse_qsl(query, keep_blank_values=True):
        new[key] = value
    return new
