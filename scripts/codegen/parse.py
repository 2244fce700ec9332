"""The pinned openapi-python-client's parser: one patched API document in, its ``GeneratorData``
(models, enums, endpoints with typed properties) out, or the problems it reported.

Also ``s``: the parser wraps spec text in ``UntrustedString``; templates and context read it as str.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.schema.untrusted_string import UntrustedString

from scripts.codegen.paths import CODEGEN_CONFIG, SPEC

__all__ = ["parse", "s"]


def s(value: object) -> str:
    """Spec text the parser holds (an ``UntrustedString`` or a plain value) as ``str``."""
    if isinstance(value, UntrustedString):
        return str(value.get_untrusted_value())
    return str(value)


def _config(out: Path) -> Config:
    cfg = ConfigFile.load_from_path(CODEGEN_CONFIG)
    return Config.from_sources(cfg, MetaType.NONE, SPEC, "utf-8", True, out)


def parse(doc: dict[str, Any], api: str, out: Path) -> GeneratorData:
    """Parse one API's patched document; exit listing every problem the parser reported."""
    data = GeneratorData.from_dict(doc, config=_config(out))
    if isinstance(data, GeneratorError):
        raise SystemExit(f"{api}: {data.header}: {data.detail}")
    problems = [
        f"{api}: {e.header}: {e.detail}"
        for c in data.endpoint_collections_by_tag.values()
        for e in c.parse_errors
    ]
    problems += [f"{api}: {e.header}: {e.detail}" for e in data.errors]
    if problems:
        raise SystemExit("generator reported problems:\n  " + "\n  ".join(problems))
    return data
