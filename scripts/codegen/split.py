"""Split one API's rendered models module into groups that load separately (lazy loading).

Creating an attrs class costs about a millisecond, and RealtimeKit has 168 models and enums: loading
them all is most of onstage's start-up. Each model goes to the group of the operation tags that
reach it (a tag reaches the models its endpoints name, and everything those models name in turn), so
the first ``meetings.get`` loads the meetings group and the groups it shares with other tags, not the
sessions models. Imports between groups cannot form a circle: when model M names N, every tag that
reaches M reaches N, so N's tag set contains M's, and a group only imports from groups whose tag set
is a strict superset of its own.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "OTHER",
    "PLACEHOLDER",
    "Split",
    "index_module",
    "names_used",
    "resolve_model_imports",
    "split_models",
]

_WORD = re.compile(r"[A-Za-z_]\w*")
#: Group of the models no operation reaches (webhook payloads, shared error bodies…).
OTHER = "_other"
#: The line a template writes where a module's model imports go (filled in by ``resolve_model_imports``).
PLACEHOLDER = "# onstage: model imports"


@dataclass(frozen=True)
class Split:
    #: module name (``_meetings``) -> its source
    modules: dict[str, str]
    #: public name -> module name
    where: dict[str, str]


def names_used(tree: ast.AST | str) -> set[str]:
    """Every identifier a module's code or annotations name (annotations are strings under
    ``from __future__ import annotations``, as is ``cast``'s type; docstrings do not count), or,
    given text, the identifiers in that type expression (``Meeting | NotGiven``)."""
    if isinstance(tree, str):
        return set(_WORD.findall(tree))
    found: set[str] = set()
    strings: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.AnnAssign | ast.arg):
            strings += [node.annotation] if node.annotation is not None else []
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            strings += [node.returns] if node.returns is not None else []
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "cast":
            strings.append(node.args[0])
    for expr in strings:
        for node in ast.walk(expr):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.update(_WORD.findall(node.value))
    return found


def _defined(stmt: ast.stmt) -> str | None:
    """The name a top-level statement of a models module defines (a class or ``_X_get``)."""
    if isinstance(stmt, ast.ClassDef):
        return stmt.name
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _owner(name: str, public: set[str]) -> str:
    """``_Status_get`` belongs with ``Status``."""
    if name in public:
        return name
    inner = name.removeprefix("_").removesuffix("_get")
    return inner if inner in public else name


def _module_name(tags: tuple[str, ...]) -> str:
    """``_meetings``, ``_meetings__recordings`` (the tags that reach the group, up to three), a stable
    ``_shared_<hash>`` for more, ``_other`` for none."""
    if not tags:
        return OTHER
    if len(tags) <= 3:
        return "_" + "__".join(tags)
    return "_shared_" + hashlib.sha256(",".join(tags).encode()).hexdigest()[:8]


def split_models(source: str, tag_names: Mapping[str, set[str]]) -> Split:
    """Split ``source`` (a rendered models module) by the tags that reach each model: ``tag_names``
    holds, per tag, the names its endpoint module and its facade methods use (``names_used`` of the
    rendered ``api/<tag>.py``, plus the words of its facade methods' argument and return types)."""
    tree = ast.parse(source)
    public = {stmt.name for stmt in tree.body if isinstance(stmt, ast.ClassDef)}
    lines = source.splitlines(keepends=True)
    head: list[str] = []  # imports and module-level helpers before the first model: every group's
    chunks: dict[str, list[str]] = {}  # model -> its class and its ``_X_get`` helper, in order
    used: dict[str, set[str]] = {}  # model -> every name its chunk uses
    for stmt in tree.body:
        name = _defined(stmt)
        decorators = stmt.decorator_list if isinstance(stmt, ast.ClassDef) else []
        text = "".join(lines[(decorators[0].lineno if decorators else stmt.lineno) - 1 : stmt.end_lineno])
        owner = None if name is None else _owner(name, public)
        if owner is None or owner not in public:
            if chunks:
                raise ValueError(f"unexpected top-level statement after the models: {text[:80]!r}")
            head.append(text)
            continue
        chunks.setdefault(owner, []).append(text)
        used.setdefault(owner, set()).update(names_used(stmt))
    deps = {m: {_owner(n, public) for n in names} & public - {m} for m, names in used.items()}
    # Which tags reach each model.
    reach: dict[str, set[str]] = {m: set() for m in public}
    for tag, names in tag_names.items():
        stack = [n for n in names if n in public]
        while stack:
            m = stack.pop()
            if tag in reach[m]:
                continue
            reach[m].add(tag)
            stack.extend(deps.get(m, ()))
    where = {m: _module_name(tuple(sorted(reach[m]))) for m in public}
    modules: dict[str, str] = {}
    for module in sorted(set(where.values())):
        members = [m for m in chunks if where[m] == module]
        # what the group's models name from other groups: models, and the ``_X_get`` helpers beside
        # their enums
        needed: dict[str, set[str]] = {}
        for m in members:
            for n in used[m]:
                other = _owner(n, public)
                if other in public and where[other] != module:
                    needed.setdefault(where[other], set()).add(n)
        imports = "".join(f"from .{g} import {', '.join(sorted(ns))}\n" for g, ns in sorted(needed.items()))
        tags = sorted(reach[members[0]])
        what = ", ".join(tags) if tags else "no operation (webhook payloads and other shared shapes)"
        exported = "__all__ = [" + "".join(f"{n!r}, " for n in sorted(members)) + "]\n"
        body = "".join("\n\n" + "".join(chunks[m]) for m in members)
        modules[module] = (
            f'"""Models reached by: {what}."""\n\n' + "".join(head) + imports + "\n" + exported + body
        )
    return Split(modules, where)


def resolve_model_imports(source: str, split: Split) -> str:
    """Replace ``PLACEHOLDER`` in a rendered module with imports of the models it names, each from
    its group (``from ..models._meetings import Meeting``), so loading the module loads only those."""
    if PLACEHOLDER not in source:
        raise ValueError("no model-imports placeholder in the rendered module")
    used = sorted(names_used(ast.parse(source.replace(PLACEHOLDER, ""))) & set(split.where))
    by_group: dict[str, list[str]] = {}
    for name in used:
        by_group.setdefault(split.where[name], []).append(name)
    lines = "".join(f"from ..models.{g} import {', '.join(names)}\n" for g, names in sorted(by_group.items()))
    return source.replace(PLACEHOLDER + "\n", lines)


def index_module(api: str, split: Split) -> str:
    """``models/__init__.py``: every name in ``__all__``, the group of each in ``WHERE``, and
    ``onstage._lazy``'s ``__getattr__`` that imports a name's group on first use; type checkers read
    the re-exports."""
    names = sorted(split.where)
    lines = [
        f'"""Models of the {api} API, in groups that load on first use (``WHERE``: name -> group).\n\n'
        "A group holds the models of the operation tags that reach them (its docstring says which), so\n"
        'a call loads its own models and not the whole API\'s."""\n\n',
        "from __future__ import annotations\n\n",
        "from typing import TYPE_CHECKING\n\n",
        "from ...._lazy import lazy_attributes\n\n",
        "if TYPE_CHECKING:\n",
    ]
    lines += [f"    from .{split.where[n]} import {n} as {n}\n" for n in names]
    lines.append("\n__all__ = [" + "".join(f"{n!r}, " for n in names) + "]\n\n")
    lines.append("WHERE: dict[str, str] = {" + "".join(f"{n!r}: {split.where[n]!r}, " for n in names) + "}\n")
    # Type checkers read the re-exports above, not __getattr__ (else a misspelt name would be Any).
    lines.append("\nif not TYPE_CHECKING:\n    __getattr__, __dir__ = lazy_attributes(globals(), WHERE)\n")
    return "".join(lines)
