"""What the generated docstrings say about a parameter, a return value and the errors of a call.

A parameter's text is the spec's description followed by what its schema constrains (lengths, range,
format, allowed values, the server's default) and, when the spec marks it ``x-onstage-inferred``,
that it rests on inference and why. The per-call options and the errors are the same on every
method: their text lives here once (the full story is the docs site's "Per-call options" page).
"""

from __future__ import annotations

import re
from typing import Any

from scripts.codegen.spec import Json, resolve

__all__ = ["MISSING", "PER_CALL", "RAISES", "describe", "inferred", "is_datetime"]

#: The text of a parameter the spec does not describe (``scripts.doc_coverage`` counts these).
MISSING = "(not described in the spec)"

#: The per-call options every method takes, in signature order: ``(name, annotation, default, text,
#: only with an object body)``.
PER_CALL: tuple[tuple[str, str, str, str, bool], ...] = (
    (
        "timeout",
        "float | httpx2.Timeout | None | NotGiven",
        "NOT_GIVEN",
        "Per-call option: this call's timeout per attempt (seconds or ``httpx2.Timeout``).",
        False,
    ),
    (
        "max_retries",
        "int | NotGiven",
        "NOT_GIVEN",
        "Per-call option: retries of this call (a create is never resent blindly).",
        False,
    ),
    (
        "extra_headers",
        "Mapping[str, str] | None",
        "None",
        "Per-call option: headers for this request, over the client's (credentials included).",
        False,
    ),
    (
        "extra_query",
        "Mapping[str, Any] | None",
        "None",
        "Per-call option: query parameters added to this request.",
        False,
    ),
    (
        "extra_body",
        "Mapping[str, Any] | None",
        "None",
        "Per-call option: JSON fields the spec lacks, merged last into the body.",
        True,
    ),
    (
        "total_timeout",
        "float | None | NotGiven",
        "NOT_GIVEN",
        "Per-call option: seconds for the whole call, retries and waits included.",
        False,
    ),
)

#: ``Raises:`` of every facade method, as ``(exception, when)``.
RAISES: tuple[tuple[str, str], ...] = (
    ("InvalidArgumentError", "an argument was refused before anything was sent."),
    (
        "APIStatusError",
        "the API answered with an error status (a subclass per status: ``BadRequestError``, "
        "``AuthenticationError``, ``NotFoundError``, ``UnprocessableEntityError``, ``RateLimitError``…).",
    ),
    ("APIConnectionError", "no usable response arrived (``APITimeoutError`` when it timed out)."),
    ("ResponseValidationError", "a success response whose body does not fit the return type."),
)


def _schema(spec: Json, schema: Any) -> dict[str, Any]:
    """The schema with a nullable ``anyOf``/``oneOf`` reduced to its one non-null branch."""
    schema = resolve(spec, schema) or {}
    for key in ("anyOf", "oneOf"):
        branches = [resolve(spec, b) or {} for b in schema.get(key) or []]
        real = [b for b in branches if b.get("type") != "null"]
        if len(real) == 1:
            return {**real[0], **{k: v for k, v in schema.items() if k not in (key, "type")}}
    return dict(schema)


def is_datetime(spec: Json, schema: Any) -> bool:
    """The schema is a ``date-time`` string (nullable or not)."""
    return _schema(spec, schema).get("format") == "date-time"


def _range(low: Any, high: Any, unit: str = "") -> str | None:
    if low is not None and high is not None:
        return f"{low}–{high}{unit}"
    if low is not None:
        return f"at least {low}{unit}"
    if high is not None:
        return f"at most {high}{unit}"
    return None


def _numbers(schema: dict[str, Any]) -> str | None:
    """``Range: 60–600.``, or the one-sided bounds (``At least 1 and less than 10.``)."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is not None and high is not None:
        return f"Range: {low}–{high}."
    bounds = [
        f"{words} {schema[key]}"
        for key, words in (
            ("minimum", "at least"),
            ("exclusiveMinimum", "more than"),
            ("maximum", "at most"),
            ("exclusiveMaximum", "less than"),
        )
        if schema.get(key) is not None
    ]
    return " and ".join(bounds).capitalize() + "." if bounds else None


def _constraints(schema: dict[str, Any]) -> list[str]:
    out: list[str] = []
    chars = _range(schema.get("minLength"), schema.get("maxLength"), " characters")
    if chars:
        out.append(chars.capitalize() + ".")
    if numbers := _numbers(schema):
        out.append(numbers)
    items = _range(schema.get("minItems"), schema.get("maxItems"), " items")
    if items:
        out.append(items.capitalize() + ".")
    fmt = schema.get("format")
    if fmt == "uuid":
        out.append("A UUID.")
    elif fmt == "date-time":
        out.append("An aware ``datetime`` or an ISO 8601 string with its offset (a naive one is refused).")
    elif fmt in ("uri", "url"):
        out.append("A URL.")
    elif fmt == "email":
        out.append("An email address.")
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        values = ", ".join(f"``{v}``" for v in schema["enum"] if v is not None)
        out.append(f"One of {values}.")
    if "default" in schema:
        out.append(f"The API's default: ``{schema['default']!r}``.")
    return out


def _already_said(constraint: str, text: str) -> bool:
    """The description already gives this constraint's numbers (``Title, 3–255 characters.``)."""
    numbers = re.findall(r"\d+(?:\.\d+)?", constraint)
    return bool(numbers) and all(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", text) for n in numbers)


def inferred(node: Any) -> str | None:
    """The reason of an ``x-onstage-inferred`` mark on a spec node, or None."""
    if not isinstance(node, dict):
        return None
    reason = node.get("x-onstage-inferred")
    return str(reason).strip() if reason else None


def describe(spec: Json, node: dict[str, Any], schema: Any = None) -> str:
    """A parameter's or body field's text from its spec ``node`` (a parameter object or a schema
    property) and its ``schema`` (the parameter's ``schema``; the property itself by default)."""
    node = resolve(spec, node) or {}
    target = _schema(spec, node if schema is None else schema)
    text = " ".join(str(node.get("description") or target.get("description") or "").split())
    parts = [text if not text or text.endswith((".", "!", "?", ")")) else text + "."] if text else []
    parts += [c for c in _constraints(target) if not _already_said(c, text)]
    reason = inferred(node) or inferred(target)
    if reason:
        parts.append(f"Inferred: {reason}")
    if not text:
        parts.insert(0, MISSING)
    return " ".join(parts)
