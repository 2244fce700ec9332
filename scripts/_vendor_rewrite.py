"""Import rewriting for ``scripts/vendor.py``: rename absolute ``onstage`` imports in a source file.

Only tokens that ``ast`` identifies are touched (never a text replace): the first name of an
imported module path, the string argument of an import call, and optionally ``getLogger("onstage")``.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field

OLD = "onstage"
IMPORT_CALLS = frozenset({"import_module", "find_spec", "__import__"})
_CALL_HINT = re.compile(r"\b(import_module|find_spec|__import__|getLogger)\b")

EXIT_OK, EXIT_LOCAL_EDITS, EXIT_USAGE, EXIT_NOT_OURS, EXIT_VERIFY = 0, 1, 2, 3, 4


class VendorError(Exception):
    """A refusal or failure: the exit code, and lines (a diff) to print before the message."""

    def __init__(self, message: str, code: int, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.details = details or []


# -- rewriting ------------------------------------------------------------------------------------
def _names(name: str | None) -> bool:
    return name is not None and (name == OLD or name.startswith(OLD + "."))


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _import_call_strings(node: ast.Call) -> list[ast.Constant]:
    """The string arguments of an import call that name onstage: ``import_module("onstage.x")``,
    ``import_module(".x", "onstage")``, ``find_spec("onstage")``, ``__import__("onstage")``."""
    if _call_name(node) not in IMPORT_CALLS:
        return []
    candidates = [*node.args[:2], *(k.value for k in node.keywords if k.arg in ("name", "package"))]
    return [
        a for a in candidates if isinstance(a, ast.Constant) and isinstance(a.value, str) and _names(a.value)
    ]


def _statements(body: list[ast.stmt]) -> Iterator[ast.AST]:
    for node in body:
        yield node
        for name in ("body", "orelse", "finalbody"):
            yield from _statements(getattr(node, name, []))
        for sub in [*getattr(node, "handlers", []), *getattr(node, "cases", [])]:
            yield from _statements(sub.body)


def _candidates(tree: ast.Module, source: str) -> Iterator[ast.AST]:
    """Every statement (imports are statements), and every node when an import call may be present."""
    return ast.walk(tree) if _CALL_HINT.search(source) else _statements(tree.body)


def _references(tree: ast.Module, source: str) -> Iterator[tuple[ast.AST, str]]:
    """``(node, what)`` for every import naming onstage: an ``alias``, an ``ImportFrom`` or a string."""
    for node in _candidates(tree, source):
        if isinstance(node, ast.Import):
            yield from ((a, f"import {a.name}") for a in node.names if _names(a.name))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and _names(node.module):
            yield node, f"from {node.module} import ..."
        elif isinstance(node, ast.Call):
            yield from ((a, f"{_call_name(node)}({a.value!r})") for a in _import_call_strings(node))


def absolute_references(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """``(line, what)`` for every import (statement or import call) that still names onstage."""
    tree = ast.parse(source, filename)
    return [(getattr(node, "lineno", 0), what) for node, what in _references(tree, source)]


def string_mentions(source: str, modules: frozenset[str]) -> list[tuple[int, str]]:
    """Other strings naming onstage or ``onstage.<module>`` for one of ``modules`` (so not
    ``"onstage.yaml"``), left alone; docstrings are not counted."""
    if not re.search(f"[\"']{OLD}[\"'.]", source):
        return []
    tree = ast.parse(source)
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    found = []
    for n in ast.walk(tree):
        if not (isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings):
            continue
        head, _, rest = n.value.partition(".")
        if head == OLD and (not rest or rest.split(".")[0] in modules):
            found.append((n.lineno, n.value))
    return found


@dataclass
class _Edits:
    lines: list[str]
    tokens: dict[tuple[int, int], tokenize.TokenInfo]
    order: list[tuple[int, int]]
    edits: list[tuple[int, int, int, str]] = field(default_factory=list)

    def col(self, row: int, byte_col: int) -> int:
        """ast columns count UTF-8 bytes, tokenize columns count characters."""
        return len(self.lines[row - 1].encode("utf-8")[:byte_col].decode("utf-8"))

    def token_at(self, row: int, byte_col: int) -> tokenize.TokenInfo:
        tok = self.tokens.get((row, self.col(row, byte_col)))
        if tok is None:
            raise VendorError(f"line {row}: no token where ast puts a node (column {byte_col})", EXIT_VERIFY)
        return tok

    def after(self, tok: tokenize.TokenInfo) -> tokenize.TokenInfo:
        return self.tokens[self.order[self.order.index(tok.start) + 1]]

    def replace(self, tok: tokenize.TokenInfo, expected: str, text: str) -> None:
        if tok.string != expected or tok.start[0] != tok.end[0]:
            raise VendorError(
                f"line {tok.start[0]}: expected {expected!r}, found {tok.string!r}", EXIT_VERIFY
            )
        self.edits.append((tok.start[0], tok.start[1], tok.end[1], text))

    def replace_string(self, node: ast.Constant, value: str, filename: str) -> None:
        tok = self.token_at(node.lineno, node.col_offset)
        if tok.type != tokenize.STRING or tok.end != (
            node.end_lineno,
            self.col(node.end_lineno or 0, node.end_col_offset or 0),
        ):
            raise VendorError(f"{filename}:{node.lineno}: cannot rewrite a split or f-string", EXIT_VERIFY)
        quote = tok.string[0]
        plain = quote in "'\"" and tok.string[:3] != quote * 3 and quote not in value and "\\" not in value
        self.replace(tok, tok.string, f"{quote}{value}{quote}" if plain else repr(value))

    def apply(self) -> str:
        lines = list(self.lines)
        for row, start, end, text in sorted(self.edits, reverse=True):
            lines[row - 1] = lines[row - 1][:start] + text + lines[row - 1][end:]
        return "\n".join(lines)


def rewrite_source(
    source: str, new: str, *, logger_name: str | None = None, filename: str = "<source>"
) -> tuple[str, int]:
    """``source`` with every absolute import of onstage renamed to ``new``; and how many were renamed.

    Only tokens that ``ast`` identifies are touched: the first name of an imported module path, the
    string argument of an import call, and (with ``logger_name``) ``getLogger("onstage")``'s argument.
    """
    tree = ast.parse(source, filename)
    refs = [node for node, _ in _references(tree, source)]
    loggers = [
        node.args[0]
        for node in (_candidates(tree, source) if logger_name else ())
        if isinstance(node, ast.Call)
        and _call_name(node) == "getLogger"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
        and _names(node.args[0].value)
    ]
    if not refs and not loggers:
        return source, 0
    toks = list(tokenize.generate_tokens(io.StringIO(source).readline))
    ed = _Edits(source.split("\n"), {t.start: t for t in toks}, [t.start for t in toks])
    for node in refs:
        if isinstance(node, ast.alias):
            ed.replace(ed.token_at(node.lineno, node.col_offset), OLD, new)
        elif isinstance(node, ast.ImportFrom):
            ed.replace(ed.after(ed.token_at(node.lineno, node.col_offset)), OLD, new)
        elif isinstance(node, ast.Constant):
            ed.replace_string(node, new + str(node.value)[len(OLD) :], filename)
    for node in loggers:
        ed.replace_string(node, f"{logger_name}{str(node.value)[len(OLD) :]}", filename)
    return ed.apply(), len(refs)
