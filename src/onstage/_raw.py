"""``with_raw_response``: each resource's methods again, returning the call's ``APIResponse`` (status,
headers, request id, elapsed, retries) instead of its payload.

The raw variant is not a second copy of each method but a typed wrapper over the same one, so the two
cannot drift (a hand-written override such as a datetime conversion applies to both):

- ``to_raw(method)``: same parameters (``ParamSpec``), returns ``APIResponse[R]`` for a method that
  returns ``R``. It marks the call raw in a context variable; the generated method takes the mark
  (``take_raw``) as its first step and returns the response instead of ``.parsed``. Taking clears it,
  so calls a hook makes from inside a raw call are not raw themselves.
- ``to_raw_list(method, parse_page)``: for list methods, which return an ``AsyncPaginator``; the raw variant
  returns the first page's ``APIResponse[Page]`` (the contract the raw list methods always had).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from functools import wraps
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

if TYPE_CHECKING:
    from ._pagination import AsyncPaginator
    from ._response import APIResponse

__all__ = ["raw_result", "take_raw", "to_raw", "to_raw_list"]

P = ParamSpec("P")
R = TypeVar("R")

_RAW: ContextVar[bool] = ContextVar("onstage_raw_response", default=False)
_get = _RAW.get


def take_raw() -> bool:
    """Whether the current call came through ``with_raw_response`` (clearing the mark)."""
    if _get():
        _RAW.set(False)
        return True
    return False


def raw_result(response: APIResponse[R], raw: bool) -> R:
    """The generated methods' return: the payload, or the whole response for a raw call (whose
    wrapper's type says ``APIResponse[R]``)."""
    return cast("R", response) if raw else response.parsed


def to_raw(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[APIResponse[R]]]:
    @wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        token = _RAW.set(True)
        try:
            return cast("APIResponse[R]", await method(*args, **kwargs))
        finally:
            _RAW.reset(token)

    return raw


def to_raw_list(
    method: Callable[P, AsyncPaginator[Any]], parse_page: Callable[[Any], R]
) -> Callable[P, Awaitable[APIResponse[R]]]:
    """``parse_page`` is the endpoint's page parser, passed for its return type only (a page can be
    a union of shapes, which is no ``type[R]``)."""
    del parse_page

    @wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> APIResponse[R]:
        return cast("APIResponse[R]", await method(*args, **kwargs).first_response())

    return raw
