"""MkDocs hooks (``hooks:`` in mkdocs.yml): pages that show figures computed from the spec at build time,
so the site never drifts from it. ``<!-- onstage: fidelity -->`` becomes ``scripts.fidelity``'s report
(what backs each operation, every inference with its reason)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scripts.fidelity import markdown, measure

__all__ = ["on_page_markdown"]


def _fidelity() -> str:
    return markdown(measure())


MARKERS: dict[str, Callable[[], str]] = {"<!-- onstage: fidelity -->": _fidelity}


def on_page_markdown(text: str, **_: Any) -> str:
    for marker, render in MARKERS.items():
        if marker in text:
            text = text.replace(marker, render())
    return text
