"""Print the breaking changes of the public Python API between two git refs, using griffe.

    python -m scripts.api_diff --base REF [--head REF|WORKTREE] [--package onstage] [--search src]
                               [--repo .] [--fail-on-breaking]

One line per breakage (`public.path(param): what broke (file:line)`), then a count. Only the public
surface is compared: private modules (`onstage._generated`, `_client`, ...) and `_names` are skipped,
except what a public module re-exports (reported under its shortest public name) and the classes users
reach through typed public properties (`rtk.meetings` -> the generated `MeetingsResource`, reported as
`onstage.RealtimeKit.meetings.<member>`); the `…WithRawResponse` classes are derived from the resource
classes (same parameters by ParamSpec) and are compared through them; names re-exported under
`if TYPE_CHECKING:` (the lazy models modules) count as exported. Exit 0; 1 with --fail-on-breaking
when something broke; 2 when a version could not be loaded.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import deque
from pathlib import Path
from typing import Any

import griffe

WORKTREE = "WORKTREE"
#: Classes whose members are typed wrappers (``ParamSpec``) of another public class's methods: the
#: ``…WithRawResponse`` classes behind ``resource.with_raw_response``. Their names are not public API;
#: their methods' parameters are the wrapped methods', which the diff checks.
DERIVED = "WithRawResponse"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
Obj = griffe.Object | griffe.Alias


class TypeCheckingExports(griffe.Extension):
    """Imports under ``if TYPE_CHECKING:`` are part of the surface a type checker sees: the lazy
    models modules re-export every model that way (``from ._meetings import Meeting as Meeting``,
    then ``from … import *`` in the public module). Griffe leaves non-runtime names out of wildcard
    imports, so they would look removed; count them as exported."""

    def on_alias_instance(self, *, alias: griffe.Alias, **kwargs: Any) -> None:
        alias.runtime = True


def load(package: str, ref: str, repo: Path, search: str) -> Obj:
    """The package as committed at `ref`, or as in the working tree for WORKTREE."""
    extensions = griffe.load_extensions(TypeCheckingExports)
    if ref == WORKTREE:
        return griffe.load(
            package, search_paths=[repo / search], try_relative_path=False, extensions=extensions
        )
    if ref.startswith("-"):
        raise griffe.GitError(f"invalid git ref {ref!r}")
    return griffe.load_git(package, ref=ref, repo=repo, search_paths=[search], extensions=extensions)


def _resolve(obj: Any) -> Any:
    """An alias's final target, or None when it points outside what griffe loaded."""
    try:
        return obj.final_target if obj.is_alias else obj
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def surface(module: Obj, names: dict[str, str], classes: dict[str, Any]) -> None:
    """Fill `names` (canonical path of each re-exported object -> its public path) and `classes`
    (public path -> class) by walking the public modules."""
    for member in module.members.values():
        if not member.is_public:
            continue
        target = _resolve(member)
        if member.is_alias:
            key = target.path if target is not None else str(getattr(member, "target_path", ""))
            if len(names.get(key, member.path)) >= len(member.path):  # keep the shortest public name
                names[key] = member.path
        elif member.is_module and member.path not in names:
            names[member.path] = member.path
            surface(member, names, classes)
        if target is not None and target.is_class:
            classes.setdefault(member.path, target)


def reached(root: Obj, classes: dict[str, Any]) -> dict[str, Any]:
    """Classes users only reach through typed public attributes or properties of public classes
    (`rtk.meetings` -> the generated `MeetingsResource`), by access path; shortest path first."""
    package = root.path.split(".")[0]
    seen = {cls.path for cls in classes.values()}
    out: dict[str, Any] = {}
    queue = deque(sorted(classes.items(), key=lambda item: (len(item[0]), item[0])))
    while queue:
        path, cls = queue.popleft()
        for name, member in cls.all_members.items():
            target = None if name.startswith("_") else _resolve(member)
            if target is None or not target.is_attribute:
                continue
            annotation = getattr(target.annotation, "canonical_path", None)
            if not isinstance(annotation, str) or not annotation.startswith(f"{package}."):
                continue
            try:
                found = _resolve(root.modules_collection.get_member(annotation))
            except (KeyError, ValueError, AttributeError):
                continue
            if found is not None and found.is_class and found.name.endswith(DERIVED):
                continue  # derived from the class it wraps: checked through that class's methods
            if found is not None and found.is_class and found.path not in seen:
                seen.add(found.path)
                out[f"{path}.{name}"] = found
                queue.append((f"{path}.{name}", found))
    return out


def public_path(path: str, names: dict[str, str]) -> str:
    """`onstage._client.Client.get` -> `onstage.Client.get` when `onstage` re-exports `Client`."""
    best = max((k for k in names if path == k or path.startswith(k + ".")), key=len, default=None)
    return path if best is None else names[best] + path[len(best) :]


def describe(breakage: griffe.Breakage, names: dict[str, str]) -> str:
    """One line: public path, what broke, old -> new, and where (griffe's one-line explanation)."""
    text = _ANSI.sub("", breakage.explain(griffe.ExplanationStyle.ONE_LINE))
    location, title, what = [*text.split(": ", 2), "", ""][:3]  # "file:line: Class.meth(param): kind..."
    param = title[title.find("(") :] if title.endswith(")") else ""
    return f"{public_path(breakage.obj.path, names)}{param}: {what} ({location})"


def find(old: Obj, new: Obj) -> list[str]:
    """Breakages of the public modules, then of the classes reached through public attributes."""
    names: dict[str, str] = {}
    old_classes: dict[str, Any] = {}
    new_classes: dict[str, Any] = {}
    surface(old, names, old_classes)
    surface(new, {}, new_classes)
    lines = [describe(b, names) for b in griffe.find_breaking_changes(old, new)]
    new_reached = reached(new, new_classes)
    for path, cls in reached(old, old_classes).items():
        if path in new_reached:  # else the attribute itself is gone, reported above
            found = griffe.find_breaking_changes(cls, new_reached[path])
            lines.extend(describe(b, {cls.path: path}) for b in found)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="git ref of the old version")
    ap.add_argument("--head", default=WORKTREE, help=f"git ref of the new version, or {WORKTREE} (default)")
    ap.add_argument("--package", default="onstage")
    ap.add_argument("--search", default="src", help="directory holding the package, relative to the repo")
    ap.add_argument("--repo", type=Path, default=Path(), help="repository root (default: current directory)")
    ap.add_argument("--fail-on-breaking", action="store_true", help="exit 1 when there is a breaking change")
    ap.add_argument("-v", "--verbose", action="store_true", help="show griffe's own warnings")
    args = ap.parse_args(argv)
    logging.basicConfig(format="%(name)s: %(message)s")
    logging.getLogger("griffe").setLevel(logging.INFO if args.verbose else logging.ERROR)
    repo = args.repo.resolve()
    try:
        old = load(args.package, args.base, repo, args.search)
        new = load(args.package, args.head, repo, args.search)
    except (ImportError, OSError, RuntimeError, griffe.GitError) as exc:
        print(f"api_diff: cannot load {args.package}: {exc}", file=sys.stderr)
        return 2
    lines = find(old, new)
    for line in lines:
        print(line)
    print(f"{len(lines)} breaking changes in the public API of {args.package} ({args.base} -> {args.head})")
    return 1 if args.fail_on_breaking and lines else 0


if __name__ == "__main__":
    sys.exit(main())
