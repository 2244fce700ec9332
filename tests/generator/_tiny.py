"""Shared by the golden test and, run as ``python -m tests.generator._tiny``, the golden/ refresh:
generate the tiny spec with our templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scripts.codegen.pipeline import generate, tree

__all__ = ["GOLDEN", "TINY", "generate_tiny", "tree"]

TINY = Path(__file__).with_name("tiny.yaml")
GOLDEN = Path(__file__).with_name("golden")


@dataclass(frozen=True)
class TinyApi:
    """The facts the generator reads of an API (``scripts.codegen.pipeline.ApiFacts``)."""

    envelope: str | None
    bound_names: tuple[str, ...]


APIS = {"tiny": TinyApi(envelope="data", bound_names=("org_id",))}


def generate_tiny(out: Path) -> None:
    generate(out, spec_path=TINY, apis=APIS, twins=False)


if __name__ == "__main__":
    generate_tiny(GOLDEN)
    print(f"golden output rewritten in {GOLDEN}")
