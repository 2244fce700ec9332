"""Small shared types: the ``NOT_GIVEN`` sentinel and aliases used in signatures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, TypeAlias, final

import httpx2

__all__ = ["NOT_GIVEN", "Headers", "NotGiven", "Query", "Timeout"]


@final
class NotGiven:
    """Marks an argument the caller did not pass (``None`` is a real value: JSON ``null``)."""

    __slots__ = ()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

Headers: TypeAlias = Mapping[str, str]
Query: TypeAlias = Mapping[str, Any]
Timeout: TypeAlias = float | httpx2.Timeout | None
