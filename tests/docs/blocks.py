"""The Python blocks of README.md and docs/**/*.md, grouped into the examples they form.

A fenced ```` ```python ```` block is one example. An HTML comment on the line before a fence (blank
lines between are allowed) changes that:

* ``<!-- docs: continue -->``: the block continues the previous example of the same file (one
  namespace, run and type-checked together);
* ``<!-- docs: no-run: <reason> -->``: the block is type-checked but not run (it needs real
  credentials or a real encoder); the reasons are counted and printed in the test report. In a
  continued example (``<!-- docs: continue; no-run: <reason> -->``) the other blocks still run.

``Example.source`` keeps every code line on its line number in the Markdown file (the lines between
the fences are blank), so tracebacks and mypy errors point at the document itself.
"""

from __future__ import annotations

import ast
import inspect
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType

__all__ = ["DOC_FILES", "EXAMPLES", "ROOT", "Block", "Example", "examples_of"]

ROOT = Path(__file__).resolve().parents[2]
DOC_FILES: tuple[Path, ...] = (ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md")))

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})(?P<info>[^`]*)$")
_COMMENT = re.compile(r"^\s*<!--\s*docs:\s*(?P<marks>.*?)\s*-->\s*$")
_MARK = re.compile(r"^(?P<what>[a-z-]+)\s*(?::\s*(?P<arg>.*))?$")
_KNOWN_MARKS = {"continue", "no-run"}


@dataclass(frozen=True)
class Block:
    path: Path
    first_line: int  # 1-based line number of the first code line (the one after the fence)
    code: str
    #: The marks before the fence: name -> argument (``{"continue": None, "no-run": "why"}``).
    marks: dict[str, str | None]

    @property
    def no_run(self) -> str | None:
        """Why this block is not run, or None when it runs."""
        if "no-run" not in self.marks:
            return None
        return self.marks["no-run"] or "(no reason given)"


@dataclass
class Example:
    """One example: a block plus the blocks that continue it."""

    blocks: list[Block] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.blocks[0].path

    @property
    def first_line(self) -> int:
        return self.blocks[0].first_line

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT).as_posix()}:{self.first_line}"

    @property
    def runs(self) -> bool:
        """Whether any of its blocks runs (an example all of whose blocks are no-run is only typed)."""
        return any(block.no_run is None for block in self.blocks)

    def _lines(self, *, runnable_only: bool) -> list[str]:
        lines: list[str] = []
        for block in self.blocks:
            lines.extend([""] * (block.first_line - 1 - len(lines)))
            code = block.code.splitlines()
            lines.extend([""] * len(code) if runnable_only and block.no_run is not None else code)
        return lines

    @property
    def source(self) -> str:
        """All the code, each line on its own line number of the Markdown file (what mypy checks)."""
        return "\n".join(self._lines(runnable_only=False)) + "\n"

    @property
    def run_source(self) -> str:
        """``source`` without the no-run blocks (their lines blank): what runs."""
        return "\n".join(self._lines(runnable_only=True)) + "\n"

    def compile(self) -> CodeType:
        """The code that runs (top-level ``await``, ``async for`` and ``async with`` allowed)."""
        return compile(self.run_source, str(self.path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)

    @property
    def is_async(self) -> bool:
        """Whether the example uses top-level ``await`` (it then runs in, and is typed as, a coroutine)."""
        code = compile(self.source, str(self.path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        return bool(code.co_flags & inspect.CO_COROUTINE)


def _blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, ticks = opening["indent"], opening["ticks"]
        info = opening["info"].strip().split()
        end = i + 1
        while end < len(lines) and not (
            lines[end].startswith(indent) and lines[end].strip() == ticks[0] * len(ticks)
        ):
            end += 1
        if end == len(lines):
            raise ValueError(f"{path}:{i + 1}: unclosed code fence")
        if info and info[0] in ("python", "py"):
            code = "\n".join(line.removeprefix(indent) for line in lines[i + 1 : end])
            marks: dict[str, str | None] = {}
            j = i - 1
            while j >= 0 and not lines[j].strip():
                j -= 1
            comment = _COMMENT.match(lines[j]) if j >= 0 else None
            if comment is not None:
                for part in comment["marks"].split(";"):
                    mark = _MARK.match(part.strip())
                    if mark is None or mark["what"] not in _KNOWN_MARKS:
                        known = ", ".join(sorted(_KNOWN_MARKS))
                        raise ValueError(f"{path}:{j + 1}: unknown docs mark {part!r} (known: {known})")
                    marks[mark["what"]] = mark["arg"]
            found.append(Block(path, i + 2, code, marks))
        i = end + 1
    return found


def examples_of(path: Path) -> list[Example]:
    examples: list[Example] = []
    for block in _blocks(path):
        if "continue" in block.marks:
            if not examples:
                raise ValueError(f"{path}:{block.first_line}: `docs: continue` with no example before it")
            examples[-1].blocks.append(block)
        else:
            examples.append(Example([block]))
    return examples


EXAMPLES: tuple[Example, ...] = tuple(e for path in DOC_FILES for e in examples_of(path))
