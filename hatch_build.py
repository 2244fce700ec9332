"""Hatchling build hook: ship the OpenAPI spec inside regular wheels as onstage/testing/onstage.yaml
(the sandbox routes and validates from it). Editable installs read openapi/onstage.yaml from the
checkout instead, so they get nothing extra in site-packages."""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class SpecHook(BuildHookInterface):  # type: ignore[misc]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "standard":
            build_data["force_include"]["openapi/onstage.yaml"] = "onstage/testing/onstage.yaml"
