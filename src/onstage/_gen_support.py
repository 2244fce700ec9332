"""Helpers the generated code calls: parsing (datetimes, unions), open enums, request
serialization (``jsonable``, query values, path segments) and secret-safe reprs.

Parsing runs on every response: keep each function a few bytecodes on the common path.
"""

from __future__ import annotations

import datetime
import enum
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any, Final, Literal, TypeAlias, TypeVar
from urllib.parse import quote, unquote

from ._errors import InvalidArgumentError
from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "EMPTY",
    "NOT_GIVEN",
    "FileInput",
    "NotGiven",
    "OpenStrEnum",
    "PathParamKind",
    "aware_datetime",
    "extra_body_fields",
    "jsonable",
    "multipart",
    "naive_datetime",
    "parse_date",
    "parse_datetime",
    "parse_union",
    "path_param",
    "query_value",
    "unix_seconds",
]

EMPTY: Final[dict[str, Any]] = {}

_T = TypeVar("_T")

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
            # Raised here, Enum does not build its own "<repr of value> is not a valid ..." error,
            # which would quote a whole response object (secrets included) in tracebacks.
            raise ValueError(f"{cls.__name__} values are strings, got {type(value).__name__}")
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        if len(cls._value2member_map_) < 256:  # cache a bounded number of unknown values
            cls._value2member_map_[value] = member
        return member

    @property
    def is_known(self) -> bool:
        return self._name_ in type(self).__members__


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


def naive_datetime(value: datetime.datetime | str, name: str) -> str:
    """A field marked ``x-onstage-datetime: naive`` (TP Streams' ``start``): ``"YYYY-MM-DD HH:MM:SS"``
    with no time zone, because the API states none.

    A naive datetime is sent as written; an aware one is refused rather than silently converted (pass
    a naive datetime in the organization's local time); a string is sent as given.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            raise InvalidArgumentError(
                f"{name} must be a naive datetime (the API does not document a time zone); "
                "convert it to the organization's local time and drop tzinfo"
            )
        return value.strftime("%Y-%m-%d %H:%M:%S")
    raise InvalidArgumentError(
        f"{name} must be a datetime or 'YYYY-MM-DD HH:MM:SS', got {type(value).__name__}"
    )


def unix_seconds(value: datetime.datetime | int, name: str) -> int:
    """A field marked ``x-onstage-datetime: unix`` (RealtimeKit analytics ``start_time``): whole Unix
    seconds. An aware ``datetime`` is converted; a naive one is refused (no zone to convert from)."""
    if isinstance(value, datetime.datetime):
        return int(aware_datetime(value, name).timestamp())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidArgumentError(f"{name} must be a datetime or Unix seconds (int), got {type(value).__name__}")


def aware_datetime(value: Any, name: str) -> Any:
    """A ``date-time`` argument: a naive ``datetime`` is refused here rather than sent without a zone
    (the APIs read it as UTC or reject it); anything else goes on to ``jsonable``/``query_value``."""
    if isinstance(value, datetime.datetime) and (value.tzinfo is None or value.utcoffset() is None):
        raise InvalidArgumentError(
            f"{name} is a naive datetime: the API needs a time zone; pass an aware one "
            f"(e.g. datetime.datetime.now(datetime.UTC)) or an ISO 8601 string with an offset"
        )
    return value


def extra_body_fields(extra_body: Any) -> dict[str, Any]:
    """``extra_body=``: the JSON fields to merge last into a request body (fields the spec lacks)."""
    if not isinstance(extra_body, Mapping) or not all(type(k) is str for k in extra_body):
        raise InvalidArgumentError(
            f"extra_body must be a mapping of field names to JSON values, got {type(extra_body).__name__}"
        )
    return dict(extra_body)


def _through(inner: _T | None, owner: object, field: str) -> _T:
    """``owner.<field>``, which a model's read-through properties delegate to (``x-onstage-delegate``);
    an ``AttributeError`` when the response had none."""
    if inner is None:
        raise AttributeError(f"{type(owner).__name__} has no {field}: nothing to read through")
    return inner


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


PathParamKind: TypeAlias = Literal["string", "integer", "uuid"]

# An id made only of these characters needs no encoding and no checks: the per-call fast path.
_plain_id = re.compile(r"[A-Za-z0-9_-]{1,1024}").fullmatch
_CONTROL = re.compile(r"[\x00-\x1f\x7f]").search
_MAX_LEN = 1024
_MAX_INT_BITS = 3403  # 2**3403 has 1025 digits: anything larger is refused without str()
_KIND_TYPES: Final[dict[str, str]] = {
    "string": "a string",
    "integer": "an int or a string",
    "uuid": "a string or a uuid.UUID",
}


def path_param(name: str, value: Any, kind: PathParamKind = "string", secret: bool = False) -> str:
    """``value`` as one URL path segment, or ``InvalidArgumentError`` before anything is sent.

    ``kind`` is the parameter's type in the spec: ``"string"``, ``"integer"`` (an ``int`` is also
    accepted) or ``"uuid"`` (a ``uuid.UUID`` is also accepted); a ``str`` is accepted for every
    kind. A value can never address another route: empty values, ``.`` and ``..`` (also when
    percent-encoded), ``/`` and ``\\`` (also ``%2F``/``%5C``, in any case and however often
    encoded, since servers decode before routing), control characters and values over 1024
    characters are refused; everything but the unreserved characters ``A-Za-z0-9-._~`` is
    percent-encoded (UTF-8), sub-delimiters included (``;`` and ``,`` split segments on some
    servers). ``secret`` keeps the value out of the error message.
    """
    if type(value) is str and _plain_id(value) is not None:
        return value
    return _path_param_checked(name, value, kind, secret)


def _path_param_checked(name: str, value: Any, kind: str, secret: bool) -> str:
    if kind not in _KIND_TYPES:
        raise ValueError(f"unknown path parameter kind {kind!r}")
    if isinstance(value, str):
        return _path_segment(name, str.__str__(value), secret)
    if kind == "integer" and isinstance(value, int) and not isinstance(value, bool):
        # bit_length first: str() of a huge int raises (or takes long) before the length check could
        text = str(int(value)) if value.bit_length() <= _MAX_INT_BITS else ""
        if text and len(text) <= _MAX_LEN:
            return text
        raise InvalidArgumentError(f"{name} must be at most {_MAX_LEN} characters, got a larger int")
    if kind == "uuid" and isinstance(value, uuid.UUID):
        return str(value)
    raise InvalidArgumentError(
        f"{name} must be {_KIND_TYPES[kind]}, got {type(value).__name__}"
        + ("" if secret or isinstance(value, NotGiven) else f" {_short_repr(value)}")
    )


def _path_segment(name: str, value: str, secret: bool) -> str:
    problem = _segment_problem(value)
    if problem is None:
        return quote(value, safe="")
    shown = "" if secret or not value else f" (got {_short_repr(value)})"
    raise InvalidArgumentError(f"{name} {problem}{shown}")


def _segment_problem(value: str) -> str | None:
    if not value:
        return "must be a non-empty string"
    if len(value) > _MAX_LEN:
        return f"must be at most {_MAX_LEN} characters, got {len(value)}"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "must be valid Unicode text (it has a lone surrogate)"
    decoded = value
    for _ in range(4):  # a value encoded several times is still checked in its decoded form
        if _CONTROL(decoded):
            return "must not contain control characters"
        if "/" in decoded or "\\" in decoded:
            return "must not contain '/' or '\\' (it is one path segment)"
        if decoded in (".", ".."):
            return "must not be '.' or '..'"
        if "%" not in decoded:
            return None
        lowered = decoded.lower()
        if "%2f" in lowered or "%5c" in lowered:
            return "must not contain an encoded '/' or '\\' (%2F, %5C)"
        decoded, previous = unquote(decoded), decoded
        if decoded == previous:
            return None
    return "must not be percent-encoded that many times"


def _short_repr(value: object, limit: int = 60) -> str:
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        return "<unrepresentable>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
