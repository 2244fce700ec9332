"""Checking settings and per-call options before anything is sent.

Client settings fail at construction with ``ConfigurationError``; per-call options fail before the
request with ``InvalidArgumentError``. Each message names the setting and never echoes a secret.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx2

from ._errors import ConfigurationError, InvalidArgumentError, OnstageError

__all__ = [
    "check_base_url",
    "check_bound_id",
    "check_headers",
    "check_max_response_bytes",
    "check_max_retries",
    "check_query",
    "check_seconds",
    "check_secret",
    "check_timeout",
]

_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]+(?: [\x21-\x7e]+)*")
# RFC 9110 token characters for header names; values: visible ASCII/Latin-1, spaces and tabs.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")
_HOST_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?")


def _kind(value: object) -> str:
    return type(value).__name__


def check_secret(value: object, setting: str) -> str:
    """A token or API key: printable ASCII, no surrounding whitespace. Never quoted in the error."""
    if not isinstance(value, str):
        raise ConfigurationError(f"{setting} must be a string, got {_kind(value)}")
    if value != value.strip():
        raise ConfigurationError(
            f"{setting} has leading or trailing whitespace (a newline from a file or an environment "
            "variable?): strip it before passing it; onstage does not change credentials silently"
        )
    if not _PRINTABLE_ASCII.fullmatch(value):
        raise ConfigurationError(
            f"{setting} contains characters that cannot be sent in an HTTP header (non-ASCII or "
            "control characters): check that the whole credential was copied"
        )
    return value


def _valid_host(host: str) -> bool:
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1].split("%", 1)[0])
        except ValueError:
            return False
        return host.endswith("]")
    labels = host.rstrip(".").split(".")
    return bool(host) and len(host) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in labels)


_USERINFO = re.compile(r"(?<=//)[^/?#]*@")


def _shown_url(value: str) -> str:
    """A URL for an error message: user info masked, secret-looking pairs redacted, bounded."""
    from ._redact import redact_text  # noqa: PLC0415 - _redact imports the generated secret names

    return redact_text(_USERINFO.sub("[redacted]@", value.strip()[:300]))


def check_base_url(value: object, setting: str = "base_url") -> str:
    """``http(s)://host[:port][/path]`` without query, fragment or credentials; returned without a
    trailing slash."""
    if not isinstance(value, str):
        raise ConfigurationError(f"{setting} must be a string, got {_kind(value)}")
    if not value:
        raise ConfigurationError(
            f"{setting} is empty: pass the API's URL, or leave {setting} out for the production default"
        )
    shown = _shown_url(value)
    if value != value.strip() or any(c.isspace() or not c.isprintable() for c in value):
        raise ConfigurationError(f"{setting} contains whitespace or control characters: {shown!r}")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"{setting} is not a valid URL ({type(exc).__name__}): {shown!r}") from None
    if parts.scheme not in ("http", "https"):
        raise ConfigurationError(f"{setting} must start with https:// or http://, got {shown!r}")
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise ConfigurationError(
            f"{setting} must not have a ?query or #fragment (they would silently drop the path): {shown!r}"
        )
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError(f"{setting} must not carry credentials (user:password@): pass a token")
    host = parts.netloc.rpartition("@")[2]
    if port is not None:
        host = host[: host.rfind(":")]
    elif host.endswith(":"):
        raise ConfigurationError(f"{setting} has an empty port: {shown!r}")
    if not _valid_host(host):
        raise ConfigurationError(f"{setting} has no valid host name: {shown!r}")
    if port is not None and not 1 <= port <= 65535:
        raise ConfigurationError(f"{setting} has port {port}, outside 1-65535: {shown!r}")
    try:
        httpx2.URL(value)
    except (httpx2.InvalidURL, ValueError, OverflowError) as exc:
        raise ConfigurationError(f"{setting} is not a valid URL ({type(exc).__name__}): {shown!r}") from None
    return value.rstrip("/")


def check_bound_id(name: str, value: str | None) -> str | None:
    """An id bound on a client (``account_id``…) must be a valid path segment: it is part of every
    URL the client builds, so ``..`` or a ``/`` would address another route."""
    if value is None:
        return None
    from ._gen_support import path_param  # noqa: PLC0415 - the one definition of a valid segment

    try:
        path_param(name, value, "string")
    except InvalidArgumentError as exc:
        raise ConfigurationError(str(exc)) from None
    return value


def check_seconds(
    value: object, setting: str, error: type[OnstageError] = ConfigurationError
) -> float | None:
    """A duration in seconds: a finite number >= 0, or None (no limit)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise error(f"{setting} must be a number of seconds >= 0 or None, got {value!r:.60}")
    return float(value)


def check_timeout(value: object, setting: str, error: type[OnstageError]) -> httpx2.Timeout:
    if isinstance(value, httpx2.Timeout):
        for part, seconds in value.as_dict().items():
            check_seconds(seconds, f"{setting}.{part}", error)
        return value
    return httpx2.Timeout(check_seconds(value, setting, error))


def check_max_retries(value: object, setting: str, error: type[OnstageError]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise error(f"{setting} must be an int from 0 to 100, got {value!r:.60}")
    return value


def check_max_response_bytes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(f"max_response_bytes must be a positive int, got {value!r:.60}")
    return value


def check_headers(value: object, setting: str, error: type[OnstageError]) -> dict[str, str]:
    """Header names are HTTP tokens; values are str without CR/LF or characters outside Latin-1.
    A value is never quoted in the error (headers carry credentials)."""
    if not isinstance(value, Mapping):
        raise error(f"{setting} must be a mapping of header names to strings, got {_kind(value)}")
    out: dict[str, str] = {}
    for name, item in value.items():
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise error(f"{setting} has an invalid header name {name!r:.60}")
        if not isinstance(item, str):
            raise error(f"{setting}[{name!r}] must be a str, got {_kind(item)}")
        if not _HEADER_VALUE.fullmatch(item):
            raise error(
                f"{setting}[{name!r}] contains a line break, control or non-Latin-1 character "
                "(not sendable in an HTTP header)"
            )
        out[name] = item
    return out


def check_query(value: object, setting: str, error: type[OnstageError]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise error(f"{setting} must be a mapping of parameter names to values, got {_kind(value)}")
    for name, item in value.items():
        if not isinstance(name, str):
            raise error(f"{setting} keys must be str, got {_kind(name)}")
        items = item if isinstance(item, list | tuple) else (item,)
        for one in items:
            if one is not None and not isinstance(one, str | int | float):
                raise error(f"{setting}[{name!r}] must be str, int, float, bool or None, got {_kind(one)}")
    return dict(value)
