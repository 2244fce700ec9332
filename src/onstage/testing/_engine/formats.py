"""The ``format`` checks of request validation: uuid, date, date-time (RFC 3339), email, uri, int64.

Our own, so that what the sandbox rejects does not depend on which optional jsonschema extras
(rfc3339-validator, rfc3987, ...) happen to be installed.
"""

from __future__ import annotations

import datetime
import re

from jsonschema import FormatChecker  # type: ignore[import-untyped]

__all__ = ["FORMATS"]

FORMATS = FormatChecker(formats=())
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DATE_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]*$")


def _valid_date(year: str, month: str, day: str) -> bool:
    try:
        datetime.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(_UUID.match(value))


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    m = _DATE.match(value)
    return m is not None and _valid_date(*m.groups())


def _is_date_time(value: object) -> bool:
    """RFC 3339 (what OpenAPI's ``date-time`` means): a date, ``T``, a time and a zone."""
    if not isinstance(value, str):
        return True
    m = _DATE_TIME.match(value)
    if not m or not _valid_date(*m.groups()[:3]):
        return False
    hour, minute, second, off_h, off_m = (int(g) if g else 0 for g in m.groups()[3:])
    return hour < 24 and minute < 60 and second < 61 and off_h < 24 and off_m < 60


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.match(value))


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


def _is_int64(value: object) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


for _name, _check in {
    "uuid": _is_uuid,
    "date": _is_date,
    "date-time": _is_date_time,
    "email": _is_email,
    "uri": _is_uri,
    "int64": _is_int64,
}.items():
    FORMATS.checks(_name)(_check)
