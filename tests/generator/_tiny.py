"""Shared by the golden test and, run as ``python tests/generator/_tiny.py``, the golden/ refresh:
generate the tiny spec with our templates."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from _codegen import generate  # noqa: E402
from check_generated import tree  # noqa: E402, F401 - for test_golden

TINY = Path(__file__).with_name("tiny.yaml")
GOLDEN = Path(__file__).with_name("golden")
APIS = {"tiny": {"bound": ["org_id"], "envelope": "data"}}


def generate_tiny(out: Path) -> None:
    generate(out, spec_path=TINY, apis=APIS)


if __name__ == "__main__":
    generate_tiny(GOLDEN)
    print(f"golden output rewritten in {GOLDEN}")
