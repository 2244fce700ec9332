"""``make generate``: wipe and regenerate ``src/onstage/_generated`` from ``openapi/onstage.yaml``.

Deterministic: no dates, no absolute paths, sorted iteration; two runs give identical bytes.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _codegen import OUT, generate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=OUT, help="output directory (default: src/onstage/_generated)"
    )
    args = parser.parse_args()
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
