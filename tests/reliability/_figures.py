"""The figures the reliability suite prints at the end of a run (``conftest.pytest_terminal_summary``,
shown with or without ``-s``).

Any reliability test adds a row to a section; a row is a name (usually the flavour) and its fields::

    from tests.reliability._figures import FIGURES

    FIGURES.record("cancellation", flavour.name, stuck="0/10", follow_ups="20/20")
    FIGURES.record("misrouting", "asyncio-httpx2", requests_off_host=0)

Recording the same row again replaces the fields it names and keeps the others.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["FIGURES", "Figures", "format_counts"]


def format_counts(counts: Mapping[Any, int]) -> str:
    """``{"500": 3, "slow": 2}`` → ``"500 3, slow 2"`` (sorted by key; ``"none"`` when empty)."""
    items = [(str(k), v) for k, v in counts.items() if v]
    return ", ".join(f"{k} {v}" for k, v in sorted(items)) or "none"


class Figures:
    """Sections of rows of ``field=value``, in the order they were first recorded."""

    def __init__(self) -> None:
        self._sections: dict[str, dict[str, dict[str, Any]]] = {}

    def record(self, section: str, row: str, **fields: Any) -> None:
        self._sections.setdefault(section, {}).setdefault(row, {}).update(fields)

    def get(self, section: str, row: str) -> dict[str, Any]:
        return dict(self._sections.get(section, {}).get(row, {}))

    def __bool__(self) -> bool:
        return bool(self._sections)

    def lines(self) -> Iterator[str]:
        for section, rows in self._sections.items():
            yield f"{section}:"
            for row, fields in rows.items():
                yield f"  {row}"
                for key, value in fields.items():
                    yield f"      {key.replace('_', ' ')}: {value}"


#: The run's figures (one per pytest process).
FIGURES = Figures()
