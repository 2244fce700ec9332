"""The raw-response mark, whichever the flavour: ``with_raw_response`` wrappers (``_raw`` and its
generated sync twin) mark a call raw in a context variable; the generated method takes the mark
(``take_raw``) as its first step and returns the whole ``APIResponse`` instead of ``.parsed``
(``raw_result``). Taking clears it, so calls a hook makes from inside a raw call are not raw
themselves; each task and each thread has its own context.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from ._response import APIResponse

__all__ = ["mark_raw", "raw_result", "take_raw", "unmark_raw"]

R = TypeVar("R")

_RAW: ContextVar[bool] = ContextVar("onstage_raw_response", default=False)
_get = _RAW.get


def mark_raw() -> Token[bool]:
    return _RAW.set(True)


def unmark_raw(token: Token[bool]) -> None:
    _RAW.reset(token)


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
