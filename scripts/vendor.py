"""Copy onstage into another project under a new package name: ``make vendor INTO=… PACKAGE=…``.

    python -m scripts.vendor --into DIR --package NAME [--with-testing] [--logger-name NAME] [--force]

writes ``DIR/NAME/``: the runtime, the facade clients, ``webhooks/`` and ``_generated/`` (plus the
``testing/`` sandbox and a copy of ``openapi/onstage.yaml`` with ``--with-testing``), without
``__pycache__``/``*.pyc``, and ``DIR/NAME/VENDORED.md``: onstage version, spec sha256, generator
version, source commit, the command that re-vendors, and the sha256 of every file as written.

Imports. onstage imports itself relatively, so the copy works under any name; whatever absolute
reference there is gets rewritten at the token positions ``ast`` finds (never a text replace):
``import onstage[.x]``, ``from onstage[.x] import …`` and the string argument of
``importlib.import_module``/``importlib.util.find_spec``/``__import__`` when it names onstage.
Docstrings, comments and other strings stay as they are. Afterwards every rewritten ``.py`` file
is parsed again and the run fails (exit 4) if any import still names ``onstage``.

The logger stays ``logging.getLogger("onstage")`` by default, so ``ONSTAGE_LOG`` and existing
logging config keep working; ``--logger-name NAME`` renames the ``getLogger`` calls naming
``onstage`` or ``onstage.<child>`` (to ``NAME``/``NAME.<child>``) and nothing else. ``ONSTAGE_*``
environment variables, the User-Agent and docstrings keep saying onstage.

Local edits are never overwritten silently. When ``DIR/NAME`` exists, every file is compared with
the manifest in its VENDORED.md; a file modified, added or deleted there (and that the new copy
would change) makes the run print a unified diff (the local file against what would be written) and
exit 1 without touching anything. ``--force`` discards those edits. A directory without a readable
VENDORED.md is not ours: exit 3, even with ``--force``. A clean copy is replaced by writing a
sibling temp directory first and swapping the two with renames.

Exit codes: 0 vendored; 1 local edits (nothing written); 2 bad arguments; 3 the target is not a
vendored copy; 4 the copy failed verification (nothing written).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from scripts._vendor_rewrite import (
    EXIT_LOCAL_EDITS,
    EXIT_NOT_OURS,
    EXIT_OK,
    EXIT_USAGE,
    EXIT_VERIFY,
    OLD,
    VendorError,
    absolute_references,
    rewrite_source,
    string_mentions,
)

ROOT = Path(__file__).resolve().parent.parent
MARKER = "VENDORED.md"
#: Where the vendored sandbox finds the spec: onstage.testing._spec.find_spec_file() looks next to itself.
SPEC_COPY = "testing/onstage.yaml"
_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$")


# -- what to write --------------------------------------------------------------------------------
@dataclass
class Plan:
    files: dict[str, bytes]
    renamed: int
    notes: list[str]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _skipped(rel: Path) -> bool:
    return "__pycache__" in rel.parts or rel.suffix in (".pyc", ".pyo")


def build(root: Path, package: str, *, with_testing: bool, logger_name: str | None) -> Plan:
    """The vendored files (path relative to the package → bytes), VENDORED.md not included."""
    src = root / "src" / OLD
    files: dict[str, bytes] = {}
    renamed = 0
    notes: list[str] = []
    modules = frozenset(p.stem for p in src.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file())
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if not path.is_file() or _skipped(rel) or (rel.parts[0] == "testing" and not with_testing):
            continue
        data = path.read_bytes()
        if path.suffix in (".py", ".pyi"):
            source = data.decode("utf-8")
            text, count = rewrite_source(source, package, logger_name=logger_name, filename=str(rel))
            renamed += count
            data = text.encode("utf-8")
            # an untouched file: rewrite_source found no import of onstage in it, nothing to re-check
            problems = absolute_references(text, filename=str(rel)) if text != source else []
            if problems:
                where = ", ".join(f"{rel.as_posix()}:{line} {what}" for line, what in problems)
                raise VendorError(f"absolute imports of {OLD} left after rewriting: {where}", EXIT_VERIFY)
            mentions = string_mentions(text, modules=modules)
            notes += [f"{rel.as_posix()}:{line} {value!r}" for line, value in mentions]
        files[rel.as_posix()] = data
    if with_testing:
        files[SPEC_COPY] = (root / "openapi" / "onstage.yaml").read_bytes()
    return Plan(files, renamed, notes)


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def provenance(root: Path) -> dict[str, str]:
    version = re.search(r'__version__\s*=\s*"([^"]+)"', (root / "src" / OLD / "_version.py").read_text())
    lock_path = root / "src" / OLD / "_generated" / "_lock.json"
    lock: dict[str, str] = json.loads(lock_path.read_text()) if lock_path.is_file() else {}
    spec_sha = _sha((root / "openapi" / "onstage.yaml").read_bytes())
    commit = _git(root, "rev-parse", "HEAD")
    if commit and _git(root, "status", "--porcelain", "--", "src/onstage", "openapi"):
        commit += " (plus uncommitted changes in src/onstage or openapi/)"
    generated_from = lock.get("spec_sha256", "unknown")
    return {
        "version": version.group(1) if version else "unknown",
        "spec_sha256": spec_sha,
        "generator": f"{lock.get('generator', 'openapi-python-client')} {lock.get('generator_version', '?')}",
        "generated_from": generated_from + (" (matches)" if generated_from == spec_sha else " (STALE)"),
        "commit": commit or "unknown (not a git checkout)",
    }


def render_marker(root: Path, into: Path, package: str, plan: Plan, logger_name: str | None) -> bytes:
    info = provenance(root)
    rel_into = Path(os.path.relpath(into.resolve(), root)).as_posix()
    testing = SPEC_COPY in plan.files
    flags = (" --with-testing" if testing else "") + (f" --logger-name {logger_name}" if logger_name else "")
    make_flags = (" TESTING=1" if testing else "") + (f" LOGGER={logger_name}" if logger_name else "")
    manifest = "\n".join(f"{_sha(data)}  {rel}" for rel, data in sorted(plan.files.items()))
    text = f"""# Vendored onstage

`{package}` is a copy of the onstage SDK made by onstage's `scripts/vendor.py`. Do not edit it here:
change onstage and re-vendor. Re-vendoring refuses to overwrite files that differ from the manifest
below (it prints a diff and exits 1); `--force` discards such local edits.

- onstage version: {info["version"]}
- source commit: {info["commit"]}
- spec: openapi/onstage.yaml sha256 {info["spec_sha256"]}
- generator: {info["generator"]}
- generated code built from spec sha256: {info["generated_from"]}
- sandbox (testing/): {"included; spec copied to " + SPEC_COPY if testing else "not included"}
- imports rewritten from `{OLD}` to `{package}`: {plan.renamed} (onstage imports itself relatively)
- logger name: "{logger_name or OLD}"

## Re-vendor

From the onstage checkout this was made from:

    python -m scripts.vendor --into {rel_into} --package {package}{flags}
    make vendor INTO={rel_into} PACKAGE={package}{make_flags}

## Manifest

sha256 and path of every file as written (VENDORED.md itself excluded).

```text
{manifest}
```
"""
    return text.encode("utf-8")


# -- the existing copy ----------------------------------------------------------------------------
def read_manifest(target: Path) -> dict[str, str] | None:
    """path → sha256 from ``target/VENDORED.md``; None when there is no readable manifest."""
    marker = target / MARKER
    if not marker.is_file():
        return None
    text = marker.read_text(encoding="utf-8", errors="replace")
    _, found, rest = text.partition("\n## Manifest\n")
    if not found:
        return None
    entries = {m.group(2): m.group(1) for m in map(_MANIFEST_LINE.match, rest.splitlines()) if m}
    return entries or None


def on_disk(target: Path) -> dict[str, bytes]:
    return {
        p.relative_to(target).as_posix(): p.read_bytes()
        for p in sorted(target.rglob("*"))
        if p.is_file() and not _skipped(p.relative_to(target)) and p.relative_to(target).as_posix() != MARKER
    }


def _diff(rel: str, old: bytes, new: bytes | None, package: str) -> list[str]:
    if new is None:
        return [f"--- {package}/{rel} (local)", f"+++ {package}/{rel} (not in the new copy)", "@@ removed @@"]
    try:
        a, b = old.decode("utf-8").splitlines(), new.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return [f"binary file {package}/{rel} differs"]
    return list(
        difflib.unified_diff(
            a, b, f"{package}/{rel} (local)", f"{package}/{rel} (to be written)", lineterm=""
        )
    )


def local_edits(target: Path, manifest: dict[str, str], new: dict[str, bytes], package: str) -> list[str]:
    """Report lines for every local edit that writing ``new`` would lose (empty: nothing is lost)."""
    disk = on_disk(target)
    out: list[str] = []
    for rel in sorted(set(disk) | set(manifest)):
        have, recorded, coming = disk.get(rel), manifest.get(rel), new.get(rel)
        if have is not None and recorded is not None and _sha(have) == recorded:
            continue
        if have is not None and have == coming:
            continue  # the local change is exactly what would be written
        if have is None:
            if coming is not None:
                out.append(f"deleted locally: {package}/{rel} (re-vendoring would restore it)")
            continue
        kind = "modified locally" if recorded is not None else "added locally"
        out.append(f"{kind}: {package}/{rel}")
        out += _diff(rel, have, coming, package)
    return out


# -- writing --------------------------------------------------------------------------------------
def write(into: Path, package: str, files: dict[str, bytes]) -> None:
    """Write everything to a sibling temp directory, then swap it in with two renames."""
    into.mkdir(parents=True, exist_ok=True)
    target = into / package
    staging, old = into / f".{package}.vendor-new", into / f".{package}.vendor-old"
    for leftover in (staging, old):  # from an interrupted run; the names are ours
        if leftover.exists():
            shutil.rmtree(leftover)
    staging.mkdir()
    moved = False
    try:
        for rel, data in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if target.exists():
            target.rename(old)
            moved = True
        try:
            staging.rename(target)
        except OSError:
            if moved:
                old.rename(target)
                moved = False
            raise
    finally:
        if staging.exists():
            shutil.rmtree(staging)
        if moved:
            shutil.rmtree(old)


def vendor(
    into: Path,
    package: str,
    *,
    with_testing: bool = False,
    force: bool = False,
    logger_name: str | None = None,
    root: Path = ROOT,
) -> list[str]:
    """Vendor onstage from ``root`` into ``into/package``; the lines to print. Raises VendorError."""
    if not package.isidentifier() or keyword.iskeyword(package) or package == OLD:
        raise VendorError(
            f"--package must be a Python identifier other than {OLD!r}, not {package!r}", EXIT_USAGE
        )
    if logger_name is not None and not all(p.isidentifier() for p in logger_name.split(".")):
        raise VendorError(f"--logger-name must be a dotted name, not {logger_name!r}", EXIT_USAGE)
    if into.resolve().is_relative_to((root / "src").resolve()):
        raise VendorError(f"--into {into} is inside the source tree {root / 'src'}", EXIT_USAGE)
    target = into / package
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise VendorError(f"{target} exists and is not a directory; refusing to replace it", EXIT_NOT_OURS)
    manifest = read_manifest(target)
    if manifest is None and target.is_dir() and any(target.iterdir()):
        raise VendorError(
            f"{target} exists but has no {MARKER} manifest: not a vendored onstage copy, refusing to "
            "touch it (even with --force). Move it away or pick another --package.",
            EXIT_NOT_OURS,
        )
    plan = build(root, package, with_testing=with_testing, logger_name=logger_name)
    files = {**plan.files, MARKER: render_marker(root, into, package, plan, logger_name)}
    report: list[str] = []
    if manifest is not None:
        edits = local_edits(target, manifest, plan.files, package)
        if edits and not force:
            raise VendorError(
                f"refusing to overwrite local edits in {target}; nothing was written. Upstream them into "
                "onstage (or keep them as a patch), then re-run with --force to discard them.",
                EXIT_LOCAL_EDITS,
                edits,
            )
        if edits:
            report.append(f"--force: discarding local edits in {target}")
    write(into, package, files)
    spec_elsewhere = into.resolve().parent / "openapi" / "onstage.yaml"
    if with_testing and spec_elsewhere.is_file() and spec_elsewhere.read_bytes() != plan.files[SPEC_COPY]:
        report.append(
            f"warning: the vendored sandbox will load {spec_elsewhere} (it looks for <package>/../../openapi/"
            f"onstage.yaml before {SPEC_COPY}), and that file differs from the vendored spec"
        )
    if plan.notes:
        report.append("strings naming onstage left as they are: " + ", ".join(plan.notes))
    report.append(
        f"vendored onstage into {target} ({len(files)} files, {plan.renamed} imports rewritten"
        f"{', sandbox included' if with_testing else ''})"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--into", required=True, type=Path, help="directory that will hold the package")
    ap.add_argument("--package", required=True, help="the vendored package's name (a Python identifier)")
    ap.add_argument("--with-testing", action="store_true", help="include the testing/ sandbox and the spec")
    ap.add_argument("--logger-name", help=f'rename logging.getLogger("{OLD}") (default: keep "{OLD}")')
    ap.add_argument("--force", action="store_true", help="overwrite local edits in an existing vendored copy")
    args = ap.parse_args(argv)
    try:
        lines = vendor(
            args.into,
            args.package,
            with_testing=args.with_testing,
            force=args.force,
            logger_name=args.logger_name,
        )
    except VendorError as exc:
        for line in exc.details:
            print(line, file=sys.stderr)
        print(f"vendor: {exc}", file=sys.stderr)
        return exc.code
    for line in lines:
        print(line)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
