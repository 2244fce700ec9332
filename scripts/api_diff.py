#!/usr/bin/env python3
"""Print the breaking changes of the public Python API between two git refs, using griffe.

    api_diff.py --base REF [--head REF|WORKTREE] [--package onstage] [--search src] [--repo .]
                [--fail-on-breaking]

One line per breakage (`public.path: what broke: old -> new (file:line)`), then a count. Only the
public surface is compared: private modules such as `onstage._generated` and `_names` are skipped,
except what a public module re-exports (reported under its public name). Exit 0; 1 with
--fail-on-breaking when something broke; 2 when a version could not be loaded.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from pathlib import Path

import griffe

WORKTREE = "WORKTREE"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def load(package: str, ref: str, repo: Path, search: str) -> griffe.Object | griffe.Alias:
    """The package as committed at `ref`, or as in the working tree for WORKTREE."""
    if ref == WORKTREE:
        return griffe.load(package, search_paths=[repo / search], try_relative_path=False)
    if ref.startswith("-"):
        raise griffe.GitError(f"invalid git ref {ref!r}")
    return griffe.load_git(package, ref=ref, repo=repo, search_paths=[search])


def public_names(module: griffe.Object | griffe.Alias, out: dict[str, str] | None = None) -> dict[str, str]:
    """Map the canonical path of every publicly re-exported object to its public path."""
    out = {} if out is None else out
    for member in module.members.values():
        if not member.is_public:
            continue
        if member.is_alias:
            out.setdefault(member.target_path, member.path)  # type: ignore[union-attr]
        elif member.is_module and member.path not in out.values():
            out[member.path] = member.path
            public_names(member, out)
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


def find(old: griffe.Object | griffe.Alias, new: griffe.Object | griffe.Alias) -> list[str]:
    names = public_names(old)
    return [describe(b, names) for b in griffe.find_breaking_changes(old, new)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Breaking changes of the public Python API between git refs.")
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
