"""Where the generator's inputs and its output live, in one place so every step agrees."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi" / "onstage.yaml"
#: openapi-python-client's own configuration (the parser reads it; each setting says why).
CODEGEN_CONFIG = ROOT / "openapi" / "codegen.yaml"
TEMPLATES = ROOT / "generator-templates"
#: The pinned ruff's configuration for generated code (kept with the templates it formats).
RUFF_CONFIG = TEMPLATES / "ruff-generated.toml"
OUT = ROOT / "src" / "onstage" / "_generated"
#: The hand-written package: the async sources of the synchronous twins (scripts/codegen/unasync.py).
PACKAGE = ROOT / "src" / "onstage"
