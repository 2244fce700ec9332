"""``python -m scripts.codegen generate [--out DIR]`` (``make generate``: wipe and regenerate
``src/onstage/_generated`` from ``openapi/onstage.yaml``) and ``python -m scripts.codegen check``
(``make check-generated``: fail with a readable diff when the committed tree is not what the spec and
templates give)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from scripts.codegen.paths import OUT
from scripts.codegen.pipeline import check, generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.codegen", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="regenerate the generated layer")
    gen.add_argument(
        "--out", type=Path, default=OUT, help="output directory (default: src/onstage/_generated)"
    )
    commands.add_parser("check", help="fail if the committed generated layer is stale or edited")
    args = parser.parse_args(argv)
    if args.command == "check":
        return check()
    started = time.perf_counter()
    lock = generate(args.out)
    files = sum(1 for _ in args.out.rglob("*.py"))
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(
        f"generated {files} modules ({size / 1024:.0f} KiB) into {args.out} "
        f"in {time.perf_counter() - started:.2f}s "
        f"(openapi-python-client {lock['generator_version']}, spec sha256 {lock['spec_sha256'][:12]})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
