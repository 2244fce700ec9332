"""Redaction of secrets in anything onstage prints: logs, reprs and exception text.

Secrets are API tokens, API keys, participant/LiveKit tokens, stream keys and storage credentials.
Two passes: header values by name, and JSON-ish ``"key": "value"`` / ``key=value`` pairs by key name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["REDACTED", "SECRET_HEADERS", "SECRET_KEYS", "is_secret_key", "redact_headers", "redact_text"]

REDACTED = "[redacted]"

SECRET_HEADERS = frozenset({"authorization", "x-api-key", "x-streams-token", "x-tpstreams-token", "cookie"})

SECRET_KEYS = frozenset(
    {
        "token",
        "access_token",
        "refresh_token",
        "device_token",
        "livekit_token",
        "api_key",
        "api_token",
        "secret",
        "secret_token",
        "password",
        "private_key",
        "access_key",
        "stream_key",
        "streamkey",
        "drm_aes_signing_key",
        "drm_aes_signing_iv",
        "authorization",
        "x-api-key",
    }
)

_KEYS = "|".join(sorted((re.escape(k) for k in SECRET_KEYS), key=len, reverse=True))
# "stream_key": "abc"   |  'token': 'abc'  |  streamKey=abc  | "token": null is left alone
_JSON_PAIR = re.compile(
    rf"""(?i)((?:\\?["'])?\b(?:{_KEYS}|streamKey)(?:\\?["'])?\s*[:=]\s*)(\\?["'])(?:(?!\2).)*?\2"""
)
_BARE_PAIR = re.compile(rf"""(?i)\b((?:{_KEYS}|streamKey)=)[^&\s"',;]+""")
_AUTH_VALUE = re.compile(r"(?i)\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=\-]{6,}")


def is_secret_key(name: str) -> bool:
    return name.lower() in SECRET_KEYS or name == "streamKey"


def redact_text(text: str, extra: Iterable[str] = ()) -> str:
    """Mask secret values inside free text (a JSON body, a URL, a log line)."""
    if not text:
        return text
    out = _JSON_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}{m.group(2)}", text)
    out = _BARE_PAIR.sub(lambda m: f"{m.group(1)}{REDACTED}", out)
    out = _AUTH_VALUE.sub(lambda m: f"{m.group(1)} {REDACTED}", out)
    for value in extra:
        if value and len(value) >= 4:
            out = out.replace(value, REDACTED)
    return out


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in items}
