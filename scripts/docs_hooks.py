"""MkDocs hooks (``hooks:`` in mkdocs.yml): pages that show figures computed from the spec at build time,
so the site never drifts from it. ``<!-- onstage: fidelity -->`` becomes ``scripts.fidelity``'s report
(what backs each operation, every inference with its reason)."""

from __future__ import annotations

from typing import Any

from scripts.fidelity import markdown, measure

__all__ = ["FIDELITY", "on_page_markdown"]

FIDELITY = "<!-- onstage: fidelity -->"


def on_page_markdown(text: str, **_: Any) -> str:
    return text.replace(FIDELITY, markdown(measure())) if FIDELITY in text else text
