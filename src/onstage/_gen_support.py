"""Helpers the generated code calls: parsing (datetimes, unions), open enums, request
serialization (``jsonable``, query values, path segments) and secret-safe reprs.

Parsing runs on every response: keep each function a few bytecodes on the common path.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any, Final, TypeAlias
from urllib.parse import quote

from ._errors import InvalidArgumentError
from ._redact import REDACTED
from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "EMPTY",
    "NOT_GIVEN",
    "FileInput",
    "NotGiven",
    "OpenStrEnum",
    "jsonable",
    "multipart",
    "parse_date",
    "parse_datetime",
    "parse_union",
    "path_param",
    "query_value",
    "redacted_repr",
]

EMPTY: Final[dict[str, Any]] = {}

FileInput: TypeAlias = bytes | IO[bytes] | tuple[str, bytes | IO[bytes]] | tuple[str, bytes | IO[bytes], str]

_PRIMITIVES = (str, int, float, bool, type(None))
_fromisoformat = datetime.datetime.fromisoformat


def parse_datetime(value: Any) -> datetime.datetime:
    if type(value) is str:
        return _fromisoformat(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    raise TypeError(f"expected an ISO 8601 date-time, got {type(value).__name__}")


def parse_date(value: Any) -> datetime.date:
    if type(value) is str:
        return datetime.date.fromisoformat(value[:10])
    raise TypeError(f"expected an ISO 8601 date, got {type(value).__name__}")


def parse_union(value: Any, branches: tuple[tuple[type, Callable[[Any], Any] | None], ...]) -> Any:
    """Try each typed branch in order; a value no branch accepts is kept as it came (lenient)."""
    if value is None:
        return None
    for typ, fn in branches:
        if fn is None:
            return value
        if isinstance(value, typ):
            try:
                return fn(value)
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
    return value


class OpenStrEnum(enum.StrEnum):
    """A ``StrEnum`` that keeps values it does not know (APIs add statuses and event names).

    ``Status("Brand New")`` returns a pseudo-member whose ``.value`` is ``"Brand New"`` and whose
    ``is_known`` is False, instead of raising ``ValueError``.
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenStrEnum | None:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        if len(cls._value2member_map_) < 256:  # cache a bounded number of unknown values
            cls._value2member_map_[value] = member
        return member

    @property
    def is_known(self) -> bool:
        return self._name_ in type(self).__members__


def redacted_repr(value: object) -> str:
    return "None" if value is None else repr(REDACTED)


def jsonable(value: Any) -> Any:
    """Turn facade arguments (models, enums, datetimes, mappings, sequences) into JSON values."""
    if type(value) in _PRIMITIVES:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items() if v is not NOT_GIVEN}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, _PRIMITIVES):  # str/int subclasses
        return value
    raise InvalidArgumentError(f"cannot send a {type(value).__name__} as JSON")


def query_value(value: Any) -> Any:
    if type(value) in _PRIMITIVES:
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [query_value(v) for v in value]
    return value


def path_param(name: str, value: Any) -> str:
    """One path segment, percent-encoded. Empty or missing ids are rejected before any request."""
    if isinstance(value, str):
        if value:
            return quote(value, safe="")
    elif isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    elif value is not None and not isinstance(value, (bool, NotGiven)):
        text = str(value)
        if text:
            return quote(text, safe="")
    raise InvalidArgumentError(f"{name} must be a non-empty string, got {value!r}")


def multipart(body: Mapping[str, Any] | NotGiven, file_fields: Sequence[str]) -> dict[str, Any]:
    """``files=``/``data=`` for a multipart body: the spec's binary fields become file parts, the
    other fields text. A file field must be bytes, a binary file object or a ``(filename, content[,
    content_type])`` tuple; anything else (a path string, say) is refused, not sent as text."""
    if isinstance(body, NotGiven):
        return {"files": None, "data": None}
    files: dict[str, Any] = {}
    data: dict[str, str] = {}
    for key, value in body.items():
        if key not in file_fields:
            data[key] = str(jsonable(value))
        elif isinstance(value, bytes | bytearray):
            files[key] = (key, bytes(value))
        elif (isinstance(value, tuple) and len(value) in (2, 3)) or hasattr(value, "read"):
            files[key] = value
        else:
            raise InvalidArgumentError(
                f"{key} must be bytes, a binary file object or a (filename, content) tuple, "
                f"got {type(value).__name__}"
            )
    return {"files": files, "data": data}
