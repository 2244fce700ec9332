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
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
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

    def __init__(
        self, fetch: Fetch, pagination: Pagination | None, params: dict[str, Any], operation: str
    ) -> None:
        self._fetch = fetch
        self._style = pagination.style if pagination is not None else "single"
        self._attr = pagination.items if pagination is not None else None
        self._params = params
        self._operation = operation

    def __repr__(self) -> str:
        return f"AsyncPaginator({self._operation}, style={self._style!r})"

    async def first_page(self) -> Page[T]:
        return await self.pages().__anext__()

    async def first_response(self) -> APIResponse[Any]:
        """The first request's response as sent (the raw list methods' result): no page checks."""
        return await self._fetch(dict(self._params))

    def __aiter__(self) -> AsyncIterator[T]:
        return _ItemIterator(self.pages())

    async def to_list(self, limit: int | None = None) -> list[T]:
        """Collect items (all of them, or the first ``limit``)."""
        out: list[T] = []
        async for item in self:
            out.append(item)
            if limit is not None and len(out) >= limit:
                break
        return out

    def pages(self) -> _PageIterator[T]:
        """An async iterator of ``Page`` objects. A plain iterator, not an async generator: breaking
        out of ``async for`` leaves nothing to finalize (safe on asyncio and trio)."""
        return _PageIterator(self)


class _ItemIterator(Generic[T]):
    def __init__(self, pages: _PageIterator[T]) -> None:
        self._pages = pages
        self._items: list[T] = []
        self._index = 0

    def __aiter__(self) -> _ItemIterator[T]:
        return self

    async def __anext__(self) -> T:
        while self._index >= len(self._items):
            page = await self._pages.__anext__()
            self._items, self._index = page.items, 0
        item = self._items[self._index]
        self._index += 1
        return item


class _PageIterator(Generic[T]):
    """The pagination state machine; see the module docstring for the stopping rules."""

    def __init__(self, paginator: AsyncPaginator[T]) -> None:
        self._p = paginator
        style = paginator._style
        self._params = dict(paginator._params)
        self._size_key = {"page_no": "per_page", "page": "limit"}.get(style)
        self._page_key = {"page_no": "page_no", "page": "page"}.get(style)
        if self._page_key is not None:
            self._params.setdefault(self._page_key, 1)
        self._number = 0
        self._seen = 0
        self._previous: Sequence[Any] | None = None
        self._next_url: str | None = None
        self._done = False

    def __aiter__(self) -> _PageIterator[T]:
        return self

    async def __anext__(self) -> Page[T]:
        if self._done:
            raise StopAsyncIteration
        p = self._p
        self._number += 1
        if self._number > MAX_PAGES:
            raise PaginationError(f"{p._operation}: more than {MAX_PAGES} pages; giving up")
        response = await p._fetch(self._params)
        items: list[T] = _items(response.parsed, p._attr)
        body = response.body
        total = _total(body, p._style)
        self._advance(items, body, total)
        return Page(items, total, response, self._number)

    def _advance(self, items: list[T], body: Any, total: int | None) -> None:
        """Decide whether there is a next page (and its parameters), or raise on no progress."""
        p, number = self._p, self._number
        style = p._style
        if style == "single":
            self._done = True
            return
        self._seen += len(items)
        if style == "next":
            nxt = body.get("next") if isinstance(body, dict) else None
            if not nxt:
                self._done = True
            elif not isinstance(nxt, str):
                raise PaginationError(
                    f"{p._operation}: page {number} has a 'next' that is not a link ({type(nxt).__name__})"
                )
            elif not items or nxt == self._next_url:
                raise PaginationError(f"{p._operation}: page {number} made no progress (next={nxt!r:.200})")
            else:
                self._next_url = nxt
                self._params = _params_from_next(nxt, self._params, p._operation)
            return
        if total is not None and self._seen >= total:
            self._done = True
            return
        if not items:
            if total is not None and self._seen < total:
                raise PaginationError(
                    f"{p._operation}: page {number} is empty but the API reported "
                    f"{total} items ({self._seen} seen)"
                )
            self._done = True
            return
        seen = _fingerprint(_raw_items(body, style, p._attr))
        if self._previous is not None and seen is not None and seen == self._previous:
            raise PaginationError(f"{p._operation}: page {number} repeated the previous page")
        self._previous = seen
        size = _as_int(self._params.get(self._size_key)) if self._size_key else None
        if total is None and size is not None and len(items) < size:
            self._done = True
            return
        key = self._page_key or "page"
        self._params = {**self._params, key: (_as_int(self._params.get(key)) or 1) + 1}


def _raw_items(body: Any, style: str, attr: str | None) -> Sequence[Any] | None:
    if isinstance(body, list):  # a bare list (no envelope): its items still identify the page
        return body
    if not isinstance(body, dict):
        return None
    data = body.get("results") if style == "next" else body.get("data")
    if attr is not None and isinstance(data, dict):
        data = data.get(attr)
    return data if isinstance(data, list) else None


def _fingerprint(raw: Sequence[Any] | None) -> Sequence[Any] | None:
    """What identifies a page: its items' ids when every item has one (a stuck server may still
    change volatile fields such as signed URLs or counters), else the items themselves."""
    if not raw:
        return raw
    ids = [item.get("id") if type(item) is dict else None for item in raw]
    return raw if None in ids else ids


def _params_from_next(next_url: str, params: dict[str, Any], operation: str = "") -> dict[str, Any]:
    """The query of a DRF ``next`` link, applied to our own base URL and path.

    Only the query is taken: the link's host is ignored so a proxy or sandbox ``base_url`` keeps
    working and credentials never follow a link to another host.
    """
    try:
        query = urlsplit(next_url).query
    except ValueError as exc:
        raise PaginationError(f"{operation}: the 'next' link is not a URL ({exc})") from exc
    new = {k: v for k, v in params.items() if k not in ("limit", "offset", "page", "cursor")}
    for key, value in parse_qsl(query, keep_blank_values=True):
        new[key] = value
    return new
