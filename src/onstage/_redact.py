"""Redaction of secrets in anything onstage prints: logs, reprs and exception text.

What is secret comes from the spec: ``SECRET_FIELDS`` (JSON property names marked ``writeOnly``,
``format: password`` or ``x-onstage-secret``) and ``SECRET_PARAMS`` (parameters marked
``x-onstage-secret``), generated into ``_generated/_secrets.py``. The only hand list here is
``AUTH_NAMES``: the credentials that authenticate a request (headers, and their query-string
forms), which are not spec fields.

Names match ignoring case and ``-``/``_`` (``stream_key``, ``streamKey``, ``X-Amz-Signature``).
Everything here is linear in the input: JSON is redacted structurally (a walk over the parsed
value); free text by a scan that never backtracks further than a name's length.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import string
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Final
from urllib.parse import unquote_plus

from ._generated._secrets import SECRET_FIELDS, SECRET_PARAMS

__all__ = [
    "AUTH_NAMES",
    "LINE_LIMIT",
    "REDACTED",
    "SCAN_LIMIT",
    "SECRET_FIELDS",
    "SECRET_HEADERS",
    "SECRET_PARAMS",
    "is_secret_key",
    "redact_body",
    "redact_headers",
    "redact_json",
    "redact_text",
    "redact_url",
    "redacted_repr",
    "url_secrets",
]

REDACTED: Final = "[redacted]"

#: Credentials that authenticate a request: header names, and the query-string names of the same
#: credentials (a TP Streams player URL carries ``?access_token=``; the S3 URLs of TP Streams
#: transcoding jobs carry ``access_key``/``secret_key``). Not spec fields, so listed here.
AUTH_NAMES: Final = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "x-streams-token",
        "x-tpstreams-token",
        "cookie",
        "set-cookie",
        "access_token",
        "api_key",
        "api_token",
        "secret_key",
    }
)
#: Header names whose values are always redacted (lower case).
SECRET_HEADERS: Final = AUTH_NAMES

#: At most this many characters of a body are decoded and redacted for a log line.
SCAN_LIMIT: Final = 64 * 1024
#: Length of a body in a log line (cut after redaction).
LINE_LIMIT: Final = 2000


def _norm(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


_ALL_NAMES: Final = frozenset(SECRET_FIELDS | SECRET_PARAMS | AUTH_NAMES)
_NORMALIZED: Final = frozenset(_norm(n) for n in _ALL_NAMES)


@functools.lru_cache(maxsize=2048)
def is_secret_key(name: str) -> bool:
    """Whether a JSON key, query parameter or header name holds a secret: a secret name, ignoring
    case and ``-``/``_`` (``streamKey``), or ending in one after a ``-``/``_`` (``refresh_token``,
    ``client_secret``), as free text is matched."""
    if _norm(name) in _NORMALIZED:
        return True
    parts = re.split(r"[-_]", name.lower())
    return any("".join(parts[i:]) in _NORMALIZED for i in range(1, len(parts)))


def redacted_repr(value: object) -> str:
    """``repr`` of a secret attribute (the ``repr=`` of an ``attrs`` field)."""
    return "None" if value is None else repr(REDACTED)


# ---------------------------------------------------------------------------------------------
# Free text
# ---------------------------------------------------------------------------------------------
# The text is lower-cased once and scanned once per distinct LAST part of a secret name (``key``,
# ``token``, ``url``...): each scan pattern starts with that literal, which the regex engine skips to
# at memchr-like speed, then checks the separator after it (``key": ``, ``key=``), then in place
# (fixed-width lookbehinds) that a whole secret name ends there. Only real ``name: value`` pairs reach Python,
# where the value after them is masked. Nothing backtracks further than a name's length.
_SEP = r"""(?:\\?["'])?\s{0,16}[:=]"""
# Between ``Bearer``/``Token`` and a credential of 6 characters or more.
_AUTH_SPACE = r"\s{1,16}(?=[a-z0-9._~+/=\-]{6})"


def _variants(name: str) -> list[str]:
    """``stream_key`` -> ``streamkey``, ``stream-key``, ``stream_key`` (lower case)."""
    parts = [part for part in re.split(r"[-_]", name.lower()) if part]
    return [
        "".join(p + s for p, s in zip(parts, (*seps, ""), strict=True))
        for seps in itertools.product(("", "-", "_"), repeat=len(parts) - 1)
    ]


@functools.cache
def _scanners() -> tuple[tuple[re.Pattern[str], tuple[int, ...]], ...]:
    """Built on first use (compiling them costs ~10 ms, which ``import onstage`` should not pay)."""
    by_last: dict[str, set[str]] = {}
    for name in _ALL_NAMES:
        for variant in _variants(name):
            by_last.setdefault(re.split(r"[-_]", name.lower())[-1], set()).add(variant)
    scanners = []
    for last, variants in sorted(by_last.items()):
        ordered = sorted(variants, key=lambda v: (-len(v), v))
        # First a one-character check of what precedes ``last`` (most non-secret hits stop there)...
        before = {v[-len(last) - 1] for v in ordered if len(v) > len(last)}
        if last in variants:  # the bare name: anything but a letter or digit may precede it
            alnum = set(string.ascii_lowercase + string.digits) - before
            quick = rf"(?<![{''.join(sorted(alnum))}]{re.escape(last)})" if alnum else ""
        else:
            quick = rf"(?<=[{re.escape(''.join(sorted(before)))}]{re.escape(last)})"
        # ...then one empty group per name: ``m.lastindex`` says which matched (and where it starts).
        checks = "|".join(rf"(?<=(?<![a-z0-9]){re.escape(v)})()" for v in ordered)
        pattern = rf"{re.escape(last)}(?={_SEP}){quick}(?:{checks}){_SEP}"
        if last == "token":  # ``Token <credential>`` (TP Streams' scheme), in the same scan
            pattern = rf"token(?:(?={_SEP}){quick}(?:{checks}){_SEP}|(?<![a-z0-9]token){_AUTH_SPACE})"
        scanners.append((re.compile(pattern), (0, *(len(v) - len(last) for v in ordered))))
    return tuple(scanners)


# ``Bearer <credential>`` anywhere (``Token <credential>`` is found by the ``token`` scan).
_BEARER: Final = re.compile(rf"bearer{_AUTH_SPACE}")
_AUTH_CREDENTIAL: Final = re.compile(r"[A-Za-z0-9._~+/=\-]+")
_SPACE: Final = re.compile(r"[ \t\r\n]{0,16}")
# A bare value (``token=abc``, ``Authorization: Bearer abc``): up to a delimiter.
_BARE: Final = re.compile(r"""(?:(?i:bearer|basic|token)[ \t]+)?[^\s&#"',;}\]]+""")
# The user info of a URL in free text (``https://user:password@host``); "://" is a literal scan.
_USERINFO: Final = re.compile(r"""://[^/?#\s'"@]+@""")
_ASCII_LOWER: Final = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _lower(text: str) -> str:
    """Lower-cased, with the same indices as ``text``."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


def _secret_spans(text: str) -> list[tuple[int, int, bool]]:
    """``(start, value_start, is_pair)`` of each ``name: value`` (True) or ``Bearer <credential>``
    (False) in ``text``, sorted by start; spans may overlap (the caller skips those)."""
    low = _lower(text)
    found: list[tuple[int, int, bool]] = []
    for scan, head_lengths in _scanners():
        for m in scan.finditer(low):
            which = m.lastindex  # None: the ``Token <credential>`` branch
            found.append((m.start() - head_lengths[which or 0], m.end(), which is not None))
    for m in _BEARER.finditer(low):
        if m.start() == 0 or not low[m.start() - 1].isalnum():
            found.append((m.start(), m.end(), False))
    found.sort()
    return found


def _quoted_end(text: str, quote: str, start: int) -> tuple[int, bool]:
    """``(end, closed)`` of the string opened at ``start``: after its closing quote, or the end of
    the text if it was cut off. Escaped quotes are skipped; each backslash run is counted once."""
    i = start + 1
    while True:
        j = text.find(quote, i)
        if j == -1:
            return len(text), False
        k = j
        while k > start + 1 and text[k - 1] == "\\":
            k -= 1
        if (j - k) % 2 == 0:
            return j + 1, True
        i = j + 1


def _masked_value(text: str, at: int) -> tuple[int, int, str] | None:
    """``(value_start, value_end, replacement)`` for the value after a separator ending at ``at``,
    or None to leave it (nothing there, null, an empty string, already masked). A value is taken
    whole: a double-quoted string (JSON escapes), an escaped-quote string (JSON inside a JSON
    string), a single-quoted string or a bare word. A quoted value cut off by truncation runs to
    the end of the text and is masked to the end. Quotes are found with ``str.find``: linear."""
    match = _SPACE.match(text, at)
    start = at if match is None else match.end()
    head = text[start : start + 2]
    if not head or text.startswith(REDACTED, start):
        return None
    if head == '\\"':
        close = text.find('"', start + 2)
        if close == start + 3 and text[start + 2] == "\\":
            return None  # \"\" : empty
        if close == -1:
            return start, len(text), f'\\"{REDACTED}'
        return start, close + 1, f'\\"{REDACTED}\\"'
    quote = head[0]
    if quote in "\"'":
        end, closed = _quoted_end(text, quote, start)
        if closed and end - start == 2:
            return None  # an empty string
        return start, end, f"{quote}{REDACTED}{quote if closed else ''}"
    bare = _BARE.match(text, start)
    if bare is None or bare.group().lower() in ("null", "none", "true", "false"):
        return None
    return start, bare.end(), REDACTED


def redact_text(text: str, extra: Iterable[str] = ()) -> str:
    """Mask secret values inside free text (a URL, an error message, a body that is not JSON):
    ``"name": "value"``, ``'name': 'value'``, ``name=value``, ``\\"name\\": \\"value\\"`` for every
    secret name (``name: Basic <x>`` taken whole), ``Bearer <x>``/``Token <x>`` anywhere, and the
    user info of URLs (``https://user:password@host``).

    Linear in ``len(text)``. The text may have been cut off by the caller: a quoted value with no
    closing quote is masked to the end. ``extra``: literal secret values (4 characters or more)
    masked wherever they are.
    """
    if not text:
        return text
    spans = _secret_spans(text)
    if spans:
        out: list[str] = []
        cursor = 0
        for start, value_start, is_pair in spans:
            if start < cursor:
                continue  # inside a value already masked
            if is_pair:
                found = _masked_value(text, value_start)
                if found is None:
                    continue
                begin, cursor_end, masked = found
            else:
                m = _AUTH_CREDENTIAL.match(text, value_start)
                if m is None:
                    continue
                begin, cursor_end, masked = value_start, m.end(), REDACTED
            out += (text[cursor:begin], masked)
            cursor = cursor_end
        out.append(text[cursor:])
        text = "".join(out)
    if "://" in text:
        text = _USERINFO.sub(f"://{REDACTED}@", text)
    for value in extra:
        if value and len(value) >= 4:
            text = text.replace(value, REDACTED)
    return text


def _may_hold_secret(text: str) -> bool:
    """Cheap pre-check for strings inside JSON: a secret needs a separator or a space around it."""
    return ":" in text or "=" in text or " " in text


# ---------------------------------------------------------------------------------------------
# JSON, bodies, URLs, headers
# ---------------------------------------------------------------------------------------------
def _masked(value: Any) -> Any:
    # Secret values are masked whatever their type; null and booleans carry nothing and stay.
    return value if value is None or isinstance(value, bool) else REDACTED


def redact_json(value: Any) -> Any:
    """A copy of a parsed JSON value with the value of every secret key masked (and secrets inside
    strings, such as a URL's ``?access_token=``, masked as free text)."""
    if type(value) is dict:
        return {k: (_masked(v) if is_secret_key(k) else redact_json(v)) for k, v in value.items()}
    if type(value) is list:
        return [redact_json(v) for v in value]
    if type(value) is str and _may_hold_secret(value):
        return redact_text(value)
    return value


def redact_body(content: bytes | str, limit: int = LINE_LIMIT) -> str:
    """A request or response body for a log line. At most ``SCAN_LIMIT`` characters are decoded and
    redacted: structurally when the body is JSON (and within the limit), else as free text (a value
    cut off at the limit is masked to the end). The result is then cut to ``limit`` characters."""
    if not content:
        return ""
    whole = len(content) <= SCAN_LIMIT
    head = content[:SCAN_LIMIT]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    # Fast path: no secret-shaped pair and no escaped key name (``\u0074oken``) -> nothing to do.
    if _secret_spans(text) or "\\u" in text:
        redacted = None
        if whole and text.lstrip()[:1] in ("{", "["):
            try:
                redacted = json.dumps(redact_json(json.loads(text)), ensure_ascii=False)
            except (ValueError, RecursionError):
                redacted = None
        text = redact_text(text) if redacted is None else redacted
    if len(text) > limit or not whole:
        return f"{text[:limit]}... ({len(content)} {'bytes' if isinstance(content, bytes) else 'chars'})"
    return text


def redact_url(url: str, path_template: str | None = None, secret_params: Collection[str] = ()) -> str:
    """``url`` for a log line. Masked: the user info; the path segments of ``secret_params``, located
    with the operation's ``path_template`` (aligned from the end, so a base-URL path prefix does not
    matter; a path that does not fit the template is shown as the template); the query values of
    ``secret_params`` and of secret names; then anything ``redact_text`` finds."""
    prefix, rest = "", url
    scheme_end = url.find("://")
    if scheme_end > 0 and url[:scheme_end].isalnum():
        start = end = scheme_end + 3
        while end < len(url) and url[end] not in "/?#":
            end += 1
        authority = url[start:end]
        if "@" in authority:
            authority = f"{REDACTED}@{authority.rpartition('@')[2]}"
        prefix, rest = url[:start] + authority, url[end:]
    rest, hash_, fragment = rest.partition("#")
    path, question, query = rest.partition("?")
    if path_template and secret_params:
        path = _redact_path(path, path_template, secret_params)
    if query:
        query = "&".join(_redact_query_pair(pair, secret_params) for pair in query.split("&"))
    return redact_text(prefix + path + question + query + hash_ + fragment)


def url_secrets(url: str, path_template: str | None, secret_params: Collection[str]) -> list[str]:
    """The values of ``secret_params`` in ``url`` (path segments located with ``path_template``, and
    query values), as sent and percent-decoded: pass them as ``redact_text(text, extra=...)`` for
    text that may quote the request URL (an exception from a caller's ``http_client``)."""
    if not secret_params:
        return []
    rest = url.partition("#")[0]
    if "://" in rest:
        rest = rest.split("://", 1)[1]
        rest = rest[len(rest.split("/", 1)[0]) :] if "/" in rest else ""
    path, _, query = rest.partition("?")
    values: list[str] = []
    if path_template:
        segments = path.split("/")
        pattern = path_template.lstrip("/").split("/")
        offset = len(segments) - len(pattern)
        if offset >= 1:
            for i, part in enumerate(pattern):
                if part.startswith("{") and part.endswith("}") and part[1:-1] in secret_params:
                    values.append(segments[offset + i])
    for pair in query.split("&") if query else ():
        key, _, value = pair.partition("=")
        if unquote_plus(key) in secret_params:
            values.append(value)
    decoded = [unquote_plus(v) for v in values]
    return sorted({v for v in (*values, *decoded) if v}, key=len, reverse=True)


def _redact_path(path: str, template: str, secret: Collection[str]) -> str:
    segments = path.split("/")
    pattern = template.lstrip("/").split("/")
    offset = len(segments) - len(pattern)
    if offset < 1:
        return template
    for i, part in enumerate(pattern):
        if part.startswith("{") and part.endswith("}"):
            if part[1:-1] in secret:
                segments[offset + i] = REDACTED
        elif segments[offset + i] != part:
            return template  # not this operation's path: show the route, not the values
    return "/".join(segments)


def _redact_query_pair(pair: str, secret: Collection[str]) -> str:
    key, eq, value = pair.partition("=")
    if not eq or not value:
        return pair
    name = unquote_plus(key)
    return f"{key}={REDACTED}" if name in secret or is_secret_key(name) else pair


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header values of credentials (``AUTH_NAMES``) and secret names masked."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (REDACTED if is_secret_key(k) else v) for k, v in items}
