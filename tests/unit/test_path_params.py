"""``path_param``: a value can never leave its path segment (no other route is ever addressed), and
only the types the spec's parameter schema allows are accepted."""

from __future__ import annotations

import enum
import re
import uuid
from typing import Any
from urllib.parse import unquote

import httpx2
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from onstage import NOT_GIVEN, InvalidArgumentError
from onstage._gen_support import path_param
from tests.facade.helpers import Recorder, tp

KINDS = ("string", "integer", "uuid")
URL_SAFE = re.compile(r"[A-Za-z0-9\-._~%]*")

# Text rich in the characters that matter (dots, separators, percent signs and the hex digits of
# %2e/%2f/%5c, controls, non-ASCII), plus arbitrary text.
TRICKY = st.text(alphabet="./\\%2eEfF5cC?#;:@ ~aZ0\x00\x1f\x7f\u00e9\u2028", max_size=12)
ANY_TEXT = st.one_of(TRICKY, st.text(max_size=64))


def fully_decoded(value: str) -> str:
    for _ in range(8):
        value, before = unquote(value), value
        if value == before:
            break
    return value


@settings(derandomize=True, max_examples=3000, deadline=None)
@given(ANY_TEXT, st.sampled_from(KINDS))
@example("..", "string")
@example("%2e%2e", "string")
@example(".%2E", "uuid")
@example("a%2Fb", "integer")
@example("%252f", "string")
def test_any_text_is_refused_or_stays_one_segment(value: str, kind: Any) -> None:
    try:
        out = path_param("some_id", value, kind)
    except InvalidArgumentError as exc:
        assert "some_id" in str(exc)
        return
    assert unquote(out) == value
    assert URL_SAFE.fullmatch(out), out
    assert "/" not in out and "\\" not in out
    assert out not in (".", "..")
    decoded = fully_decoded(out)
    assert "/" not in decoded and "\\" not in decoded and decoded not in (".", "..")
    assert not any(ord(c) < 0x20 or ord(c) == 0x7F for c in decoded)


@settings(derandomize=True, max_examples=500, deadline=None)
@given(st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True))
def test_plain_ids_are_returned_as_they_are(value: str) -> None:
    assert path_param("asset_id", value, "string") is value


@pytest.mark.parametrize(
    "value",
    [
        "",
        ".",
        "..",
        "a/b",
        "/",
        "a\\b",
        "%2e",
        "%2e%2e",
        ".%2E",
        "%2E.",
        "%2f",
        "a%2Fb",
        "a%5cb",
        "%5C",
        "%252f",
        "%25252e%25252e",
        "\x00",
        "a\nb",
        "a\rb",
        "tab\there",
        "\x7f",
        "%00",
        "x" * 1025,
        "\ud800",
        "a\udfffb",
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_refused_strings(value: str, kind: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="chapter_id"):
        path_param("chapter_id", value, kind)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a b", "a%20b"),
        ("?#%", "%3F%23%25"),
        ("50%", "50%25"),
        ("%41", "%2541"),
        ("é", "%C3%A9"),
        ("...", "..."),
        (".a", ".a"),
        ("a..b", "a..b"),
        ("~x.y_z-1", "~x.y_z-1"),
        (";a=b,c:d@e!$&'()*+", "%3Ba%3Db%2Cc%3Ad%40e%21%24%26%27%28%29%2A%2B"),
        ("x" * 1024, "x" * 1024),
    ],
)
def test_encoded_strings(value: str, encoded: str) -> None:
    assert path_param("id", value, "string") == encoded


class Color(enum.StrEnum):
    RED = "red"


U = uuid.UUID("8f0c6b2e-1f3a-4c5d-9e7f-000000000001")
ACCEPTED: dict[str, list[tuple[object, str]]] = {
    "string": [("abc", "abc"), (Color.RED, "red")],
    "integer": [("12", "12"), (12, "12"), (0, "0"), (-3, "-3")],
    "uuid": [(str(U), str(U)), (U, str(U))],
}
REFUSED_EVERYWHERE: list[object] = [
    b"abc",
    bytearray(b"abc"),
    ["a"],
    {"a": 1},
    ("a",),
    1.5,
    True,
    False,
    None,
    NOT_GIVEN,
    object(),
]


@pytest.mark.parametrize("kind", KINDS)
def test_types_by_kind(kind: Any) -> None:
    for value, expected in ACCEPTED[kind]:
        assert path_param("id", value, kind) == expected
    for other, values in ACCEPTED.items():
        if other == kind:
            continue
        for value, _ in values:
            if not isinstance(value, str):
                with pytest.raises(InvalidArgumentError, match=type(value).__name__):
                    path_param("id", value, kind)
    for value in REFUSED_EVERYWHERE:
        with pytest.raises(InvalidArgumentError) as info:
            path_param("the_id", value, kind)
        assert "the_id" in str(info.value) and type(value).__name__ in str(info.value)


@pytest.mark.parametrize(
    "value",
    [10**1024, -(10**1023), 10**5000, -(2**100_000)],
    ids=["1025-digits", "negative", "5001-digits", "huge"],
)
def test_ints_too_long_for_one_segment_are_refused(value: int) -> None:
    with pytest.raises(InvalidArgumentError, match="part_no"):
        path_param("part_no", value, "integer")
    assert path_param("part_no", 10**1023, "integer") == "1" + "0" * 1023


def test_error_message_is_bounded_and_secret_values_are_not_echoed() -> None:
    with pytest.raises(InvalidArgumentError) as info:
        path_param("id", ["x" * 10_000], "string")
    assert len(str(info.value)) < 200
    with pytest.raises(InvalidArgumentError) as info:
        path_param("id", "y" * 5000, "string")
    assert len(str(info.value)) < 200
    with pytest.raises(InvalidArgumentError) as info:
        path_param("code", "SECRET/CODE", "string", secret=True)
    assert "SECRET" not in str(info.value) and "code" in str(info.value)
    with pytest.raises(InvalidArgumentError) as info:
        path_param("code", b"SECRET", "string", secret=True)
    assert "SECRET" not in str(info.value)


@pytest.mark.anyio
@pytest.mark.parametrize("chapter_id", ["..", ".", "", "%2e%2e", "1/../..", b"1", 1.0, None])
async def test_nothing_is_sent_for_a_bad_id(chapter_id: Any) -> None:
    """The bug this guards against: ``chapters.delete(asset, "..")`` sent ``DELETE …/assets/<id>/``."""
    rec = Recorder(httpx2.Response(204))
    async with tp(rec) as client:
        with pytest.raises(InvalidArgumentError):
            await client.assets.chapters.delete("asset1", chapter_id)
        with pytest.raises(InvalidArgumentError):
            await client.assets.delete(chapter_id if chapter_id != 1.0 else "..")
    assert rec.requests == []


@pytest.mark.anyio
async def test_ids_reach_the_wire_encoded() -> None:
    rec = Recorder(httpx2.Response(204))
    async with tp(rec) as client:
        await client.assets.chapters.delete("a b?#", 7)
        await client.assets.chapters.delete("a", "8")
    assert rec.requests[0].url.raw_path == b"/api/v1/org1/assets/a%20b%3F%23/chapters/7/"
    assert rec.requests[1].url.raw_path == b"/api/v1/org1/assets/a/chapters/8/"
