"""What a page is and how pagination decides, whichever the flavour: ``Page``, and ``PageState``,
the state machine that knows the next page's parameters and when to stop (the total or the last
page, never only an empty page) and raises ``PaginationError`` when a page makes no progress, so a
misbehaving server cannot make a loop run forever. The paginators (``AsyncPaginator`` and its
generated sync twin) only fetch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlsplit

from attrs import define, field

from ._errors import PaginationError
from ._operation import Pagination
from ._response import APIResponse

__all__ = ["MAX_PAGES", "Page", "PageState"]

T = TypeVar("T")

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


class PageState(Generic[T]):
    """Where a walk through the pages stands: ``next_params()`` before each fetch, ``take(response)``
    after it; ``done`` once there is no next page."""

    def __init__(self, pagination: Pagination | None, params: dict[str, Any], operation: str) -> None:
        self._style = style = pagination.style if pagination is not None else "single"
        self._attr = pagination.items if pagination is not None else None
        self._operation = operation
        self._params = dict(params)
        self._size_key = {"page_no": "per_page", "page": "limit"}.get(style)
        self._page_key = {"page_no": "page_no", "page": "page"}.get(style)
        if self._page_key is not None:
            self._params.setdefault(self._page_key, 1)
        self._number = 0
        self._seen = 0
        self._previous: Sequence[Any] | None = None
        self._next_url: str | None = None
        self.done = False

    def next_params(self) -> dict[str, Any]:
        """The query of the next page (counting it; ``PaginationError`` past ``MAX_PAGES``)."""
        self._number += 1
        if self._number > MAX_PAGES:
            raise PaginationError(f"{self._operation}: more than {MAX_PAGES} pages; giving up")
        return self._params

    def take(self, response: APIResponse[Any]) -> Page[T]:
        """The page in ``response``, deciding what comes next."""
        items: list[T] = _items(response.parsed, self._attr)
        body = response.body
        total = _total(body, self._style)
        self._advance(items, body, total)
        return Page(items, total, response, self._number)

    def _advance(self, items: list[T], body: Any, total: int | None) -> None:
        """Decide whether there is a next page (and its parameters), or raise on no progress."""
        number = self._number
        style = self._style
        if style == "single":
            self.done = True
            return
        self._seen += len(items)
        if style == "next":
            nxt = body.get("next") if isinstance(body, dict) else None
            if not nxt:
                self.done = True
            elif not isinstance(nxt, str):
                raise PaginationError(
                    f"{self._operation}: page {number} has a 'next' that is not a link ({type(nxt).__name__})"
                )
            elif not items or nxt == self._next_url:
                raise PaginationError(
                    f"{self._operation}: page {number} made no progress (next={nxt!r:.200})"
                )
            else:
                self._next_url = nxt
                self._params = _params_from_next(nxt, self._params, self._operation)
            return
        if total is not None and self._seen >= total:
            self.done = True
            return
        if not items:
            if total is not None and self._seen < total:
                raise PaginationError(
                    f"{self._operation}: page {number} is empty but the API reported "
                    f"{total} items ({self._seen} seen)"
                )
            self.done = True
            return
        seen = _fingerprint(_raw_items(body, style, self._attr))
        if self._previous is not None and seen is not None and seen == self._previous:
            raise PaginationError(f"{self._operation}: page {number} repeated the previous page")
        self._previous = seen
        size = _as_int(self._params.get(self._size_key)) if self._size_key else None
        if total is None and size is not None and len(items) < size:
            self.done = True
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
