"""The synchronous twins of the runtime's async modules, written by rewriting their source with an
explicit table (httpcore's unasync, with its traps named), into ``_generated/_sync/`` (the runtime's
loops) and ``_generated/sync_clients/`` (the client classes), where ``make check-generated`` sees them
like the rest of the generated code.

Only what differs by flavour is twinned: the request loop (``_client_base``), the pool and body
read (``_transport``), the paginator (``_pagination``), the raw-response wrappers (``_raw``),
``wait_until_ready`` and the three client classes. Their shared decisions live in modules both
flavours import (``_client_core``, ``_pool_settings``, ``_pages``, ``_raw_mark``…), never twinned.

A naive rewrite goes wrong where async and sync differ in more than keywords (``anyio.move_on_after``
has no ``time`` twin, ``anyio.current_time()`` needs a running loop, an async hook cannot be awaited
by a sync client), so the sources call ``onstage._flavour``'s primitives and the table maps each to
its ``*_sync`` form; a twin that still names ``async``, ``await``, ``anyio`` or an async-only name
fails the run. A line marked ``# async-only`` is left out of the twin, with its block when it opens
one.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from importlib.util import resolve_name
from pathlib import Path

__all__ = ["FORBIDDEN", "PRIMITIVES", "RULES", "TWINS", "UnasyncError", "twin_source", "write_twins"]

#: Sources (relative to ``src/onstage``) whose twins are written, by the folder below ``_generated``
#: that holds them (at the same relative path): the runtime's loops in ``_sync/`` (below the facade
#: resources, which use them), the client classes and their additions in ``sync_clients/`` (above
#: the resources), so every import points down.
TWINS = {
    "_client_base.py": "_sync",
    "_transport.py": "_sync",
    "_pagination.py": "_sync",
    "_raw.py": "_sync",
    "tpstreams/_live_streams.py": "sync_clients",
    "realtimekit/_client.py": "sync_clients",
    "tpstreams/_client.py": "sync_clients",
    "webinar/_client.py": "sync_clients",
}

#: An API's facade resources, which a twin imports in their synchronous rendering instead.
_RESOURCES = re.compile(r"^_generated\.(\w+)\.resources(\.|$)")


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern[str]
    replacement: str
    why: str


def _rule(pattern: str, replacement: str, why: str) -> Rule:
    return Rule(re.compile(pattern), replacement, why)


#: Applied in order to the whole source (code, strings and comments alike, so messages such as
#: "the end of its ``async with``" read right in the twin).
RULES = (
    _rule(r"\basync def\b", "def", "coroutine functions become functions"),
    _rule(r"\basync with\b", "with", "async context managers become context managers"),
    _rule(r"\basync for\b", "for", "async iteration becomes iteration"),
    _rule(r"\bawait ", "", "a call's result is its value"),
    _rule(r"\b__aenter__\b", "__enter__", "the context-manager protocol"),
    _rule(r"\b__aexit__\b", "__exit__", "the context-manager protocol"),
    _rule(r"\b__aiter__\b", "__iter__", "the iterator protocol"),
    _rule(r"\b__anext__\b", "__next__", "the iterator protocol"),
    _rule(r"\bStopAsyncIteration\b", "StopIteration", "the iterator protocol"),
    _rule(r"\bAsyncIterator\b", "Iterator", "typing"),
    _rule(r"\baclose\b", "close", "closing a client, a response or a stream"),
    _rule(
        r"\bcontextlib\.aclosing\b",
        "contextlib.nullcontext",
        "an async generator stopped early must be closed at once (trio warns otherwise); a sync one is "
        "closed when dropped, and the response's close() closes the stream",
    ),
    _rule(r"\baiter_bytes\b", "iter_bytes", "httpx2's decoded body stream"),
    _rule(r"\baiter\(", "iter(", "the transport's raw body stream"),
    _rule(r"\bhttpx2\.AsyncClient\b", "httpx2.Client", "the pool"),
    _rule(r"\bhandle_async_request\b", "handle_request", "the transport, driven directly"),
    _rule(r"\bAsyncPaginator\b", "SyncPaginator", "the sync paginator"),
    _rule(r"\bAsync client\b", "Synchronous client", "the client classes' docstrings"),
    _rule(r"\basync flavour\b", "sync flavour", "docstrings"),
    _rule(r"\bBaseClient\b", "SyncBaseClient", "the sync request loop"),
    _rule(r"\bClientOptions\b", "SyncClientOptions", "sync hooks and an httpx2.Client"),
    _rule(r'\bFLAVOUR: Flavour = "async"', 'FLAVOUR: Flavour = "sync"', "the pool settings' checks"),
)

#: ``onstage._flavour``'s primitives whose sync form has another name, renamed in code only (a NAME
#: token: a comment saying "sleep" stays prose): the sync clock, sleep, deadline (request timeouts
#: bounded by the time left, since a blocking call cannot be cancelled) and hooks (async ones refused).
PRIMITIVES = ("now", "sleep", "attempt_within", "call_hooks")

#: Names a twin's code must not contain after the rules ran (strings and comments may mention them):
#: what the rules do not rewrite in every spelling (a bare ``AsyncClient``, ``Awaitable`` outside a
#: subscript, ``aiter`` not called), and the async-only APIs no rule can translate.
FORBIDDEN = frozenset(
    {
        "async",
        "await",
        "anyio",
        "AsyncClient",
        "Awaitable",
        "aiter",
        "anext",
        "check_event_loop",
        "move_on_after",
        "current_time",
    }
)

_ASYNC_ONLY = "# async-only"
_IMPORT = re.compile(r"^(?P<indent>\s*)from (?P<dots>\.+)(?P<module>[\w.]*) import ", re.M)


class UnasyncError(Exception):
    """A twin would not be synchronous (a name the table does not handle)."""


def _drop_async_only(source: str) -> str:
    """Leave out lines marked ``# async-only``, with the block such a line opens."""
    out: list[str] = []
    skip_deeper_than: int | None = None
    for line in source.splitlines(keepends=True):
        indent = len(line) - len(line.lstrip())
        if skip_deeper_than is not None:
            if line.strip() and indent <= skip_deeper_than:
                skip_deeper_than = None
            else:
                continue
        if line.rstrip().endswith(_ASYNC_ONLY):
            code = line.split("#", 1)[0].rstrip()
            if code.endswith(":"):
                skip_deeper_than = indent
            continue
        out.append(line)
    return "".join(out)


def _strip_awaitable(source: str) -> str:
    """``Awaitable[X]`` -> ``X`` (brackets balanced, so ``Awaitable[APIResponse[Any]]`` works)."""
    out, i = [], 0
    while (j := source.find("Awaitable[", i)) != -1:
        start = j + len("Awaitable[")
        depth, k = 1, start
        while depth:
            depth += {"[": 1, "]": -1}.get(source[k], 0)
            k += 1
        out.append(source[i:j] + _strip_awaitable(source[start : k - 1]))  # nested ones too
        i = k
    out.append(source[i:])
    return "".join(out)


def _rewrite_imports(source: str, path: str, twins: dict[str, str]) -> str:
    """The twin's relative imports (it sits at ``_generated/<folder>/<path>``): each resolved to the
    module it names, mapped to that module's twin when it has one (facade resources to their sync
    rendering), then written relative to ``onstage`` from the twin's own place."""
    package = _dotted(path).rpartition(".")[0]
    up = "." * (package.count(".") + 1 + 2)  # from _generated/<folder>/<package> back to onstage

    def repl(match: re.Match[str]) -> str:
        target = resolve_name(match["dots"] + match["module"], package).removeprefix("onstage.")
        folder = twins.get(target)
        mapped = (
            f"_generated.{folder}.{target}"
            if folder
            else _RESOURCES.sub(r"_generated.\1.sync_resources\2", target)
        )
        return f"{match['indent']}from {up}{mapped} import "

    return _IMPORT.sub(repl, source)


def _rename(source: str, names: tuple[str, ...]) -> str:
    """``name`` -> ``name_sync`` for each of ``names`` where it is code (a NAME token)."""
    lines = source.splitlines(keepends=True)
    ends = [
        t.end
        for t in tokenize.generate_tokens(io.StringIO(source).readline)
        if t.type == tokenize.NAME and t.string in names
    ]
    for row, col in reversed(ends):  # right to left: earlier columns stay valid
        lines[row - 1] = f"{lines[row - 1][:col]}_sync{lines[row - 1][col:]}"
    return "".join(lines)


def _dotted(path: str) -> str:
    """``tpstreams/_client.py`` -> ``onstage.tpstreams._client``."""
    return "onstage." + path.removesuffix(".py").replace("/", ".")


def _code_names(source: str) -> set[str]:
    names = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.NAME:
            names.add(token.string)
    return names


def _docstring_header(source: str, path: str) -> str:
    """The twin's module docstring: what it is, then the first paragraph of the source's."""
    match = re.match(r'\s*"""(.*?)"""', source, re.S)
    first = match.group(1).strip().split("\n\n")[0] if match else ""
    module = _dotted(path)
    return (
        f'"""Synchronous twin of ``{module}``, written by scripts/codegen/unasync.py from its source,\n'
        f"whose summary follows.\n\n{first}\n"
        '"""\n'
    )


def twin_source(source: str, path: str, twins: dict[str, str] | None = None) -> str:
    """The synchronous twin of ``source`` (the module at ``path`` below ``src/onstage``); ``twins``:
    the twinned modules (dotted, below ``onstage``) and the folders of their twins."""
    body = re.sub(r'^\s*""".*?"""\n', "", source, count=1, flags=re.S)
    text = _drop_async_only(body)
    for rule in RULES:
        text = rule.pattern.sub(rule.replacement, text)
    text = _rename(text, PRIMITIVES)
    text = re.sub(r"\bAwaitable, |, Awaitable\b", "", _strip_awaitable(text))  # and from its import
    text = _rewrite_imports(text, path, twins or {})
    left = sorted(_code_names(text) & FORBIDDEN)
    if left:
        names = ", ".join(left)
        raise UnasyncError(f"{path}: the twin still names {names}; extend the table or the primitives")
    return _docstring_header(source, path) + text


def write_twins(src: Path, out: Path) -> None:
    """Every twin of ``TWINS``, read from ``src`` (``src/onstage``), under ``out/<folder>``."""
    twins = {_dotted(p).removeprefix("onstage."): folder for p, folder in TWINS.items()}
    for path, folder in TWINS.items():
        root = out / folder
        target = root / path
        for package in [root, *(root / p for p in _parents(path))]:
            package.mkdir(parents=True, exist_ok=True)
            init = package / "__init__.py"
            if not init.exists():
                init.write_text('"""Synchronous twins (see scripts/codegen/unasync.py)."""\n')
        target.write_text(twin_source((src / path).read_text(encoding="utf-8"), path, twins))


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
