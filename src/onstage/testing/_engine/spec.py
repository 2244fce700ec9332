"""The spec parsed: the operation table, routing and request validation. Which API an operation
belongs to comes from its tag (``<api>-<resource>``) and ``onstage._apis``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from ..._apis import API_NAMES
from ..._openapi import operations, resolve
from .formats import FORMATS

__all__ = ["FieldError", "Operation", "Router", "Spec", "match_segments"]

_PARAM = re.compile(r"^\{([^}]+)\}$")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    missing: bool = False  # a required field, parameter or body is absent


@dataclass(frozen=True)
class Param:
    name: str
    location: str
    required: bool
    schema: dict[str, Any]  # dereferenced
    #: What a value is validated against: ``schema``, less ``format`` for path ids (those are
    #: looked up, not format-checked).
    check: dict[str, Any]
    #: ``x-onstage-lenient`` of the parameter: another form some reference accepts and the sandbox takes
    #: too (``comma-separated``: a comma-separated list of values of ``schema``), though onstage sends one.
    lenient: str | None = None


@dataclass
class Operation:
    id: str
    method: str
    api: str
    path: str
    segments: tuple[str, ...]
    public: bool
    params: list[Param]
    body_schema: dict[str, Any] | None
    body_required: bool
    body_type: str | None
    success_status: int
    response_schema: dict[str, Any] | None
    meta: dict[str, Any] = field(default_factory=dict)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        return match_segments(self.segments, parts)

    @property
    def sort_key(self) -> tuple[int, ...]:
        return tuple(1 if _PARAM.match(s) else 0 for s in self.segments)


def match_segments(segments: tuple[str, ...], parts: list[str]) -> dict[str, str] | None:
    """The path parameters when concrete path ``parts`` fit template ``segments`` (a ``{name}``
    segment takes any non-empty part, any other only itself), else None."""
    if len(parts) != len(segments):
        return None
    out: dict[str, str] = {}
    for seg, part in zip(segments, parts, strict=True):
        m = _PARAM.match(seg)
        if m:
            if not part:
                return None
            out[m.group(1)] = part
        elif seg != part:
            return None
    return out


def _api_of(tags: Iterable[str]) -> str:
    for tag in tags:
        for api in API_NAMES:
            if tag.startswith(api + "-"):
                return api
    raise ValueError(f"operation tags {list(tags)} name no known API")


class Spec:
    """The parsed spec: operations by id, a router and a request validator."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.components: dict[str, Any] = dict(document.get("components", {}))
        self.operations: dict[str, Operation] = {}
        for path, method, op, item in operations(document):
            shared = [self.deref(p) for p in item.get("parameters", [])]
            self.operations[op["operationId"]] = self._operation(path, method, dict(op), shared)
        self.router = Router(self.operations.values())
        self._validators: dict[int, tuple[dict[str, Any], Draft202012Validator]] = {}

    def deref(self, node: Any) -> Any:
        return resolve(self.document, node)

    def _operation(self, path: str, method: str, op: dict[str, Any], shared: list[Any]) -> Operation:
        params: dict[tuple[str, str], Param] = {}
        for raw in [*shared, *(self.deref(p) for p in op.get("parameters", []))]:
            schema = self.deref(raw.get("schema", {}))
            check = schema
            if raw["in"] == "path":
                check = {k: v for k, v in schema.items() if k not in ("format", "examples")}
            params[(raw["name"], raw["in"])] = Param(
                raw["name"], raw["in"], bool(raw.get("required")), schema, check, raw.get("x-onstage-lenient")
            )
        body_schema = None
        body_type = None
        body_required = False
        if "requestBody" in op:
            rb = self.deref(op["requestBody"])
            body_required = bool(rb.get("required"))
            content = rb.get("content", {})
            if content:
                body_type = next(iter(content))
                body_schema = content[body_type].get("schema")
        status, schema = 200, None
        for code, resp in op.get("responses", {}).items():
            if str(code).startswith("2"):
                status = int(code)
                content = self.deref(resp).get("content") or {}
                if "application/json" in content:
                    schema = content["application/json"].get("schema")
                break
        api = _api_of(op.get("tags", []))
        segments = tuple(path.strip("/").split("/"))
        return Operation(
            id=op["operationId"],
            method=method.upper(),
            api=api,
            path=path,
            segments=segments,
            public=op.get("security") == [],
            params=list(params.values()),
            body_schema=body_schema,
            body_required=body_required,
            body_type=body_type,
            success_status=status,
            response_schema=schema,
            meta=dict(op.get("x-onstage") or {}),
        )

    # -- validation -------------------------------------------------------------------------------
    def validator(self, schema: dict[str, Any]) -> Draft202012Validator:
        cached = self._validators.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        validator = Draft202012Validator({**schema, "components": self.components}, format_checker=FORMATS)
        self._validators[id(schema)] = (schema, validator)
        return validator

    def schema_errors(self, schema: dict[str, Any], instance: Any, prefix: str = "") -> list[FieldError]:
        out: list[FieldError] = []
        for err in sorted(self.validator(schema).iter_errors(instance), key=lambda e: list(e.absolute_path)):
            parts = [str(p) for p in err.absolute_path]
            if prefix:
                parts.insert(0, prefix)
            if err.validator == "required":
                missing = re.search(r"'([^']+)' is a required property", err.message)
                name = missing.group(1) if missing else "?"
                out.append(FieldError(".".join([*parts, name]), "This field is required.", missing=True))
            elif err.validator == "additionalProperties" and err.validator_value is False:
                out.append(FieldError(".".join(parts) or "body", err.message))
            else:
                out.append(FieldError(".".join(parts) or "body", _describe(err.validator, err.message)))
        return out

    def validate_request(
        self,
        op: Operation,
        path_params: Mapping[str, str],
        query: Mapping[str, list[str]],
        body: Any,
        body_present: bool,
    ) -> tuple[list[FieldError], dict[str, Any]]:
        """Errors (empty when valid) and the query coerced to the spec's types."""
        errors: list[FieldError] = []
        coerced: dict[str, Any] = {}
        for param in op.params:
            schema = param.schema
            if param.location == "path":
                value: Any = path_params.get(param.name)
                value, problem = _scalar(schema, str(value))
                if problem:
                    errors.append(FieldError(param.name, problem))
                    continue
                errors.extend(self.schema_errors(param.check, value, param.name))
            elif param.location == "query":
                values = query.get(param.name)
                if not values:
                    if param.required:
                        errors.append(
                            FieldError(param.name, "This query parameter is required.", missing=True)
                        )
                    continue
                if param.lenient == "comma-separated":
                    errors.extend(self._comma_separated(param, values[-1]))
                    coerced[param.name] = values[-1]
                    continue
                value, problem = _coerce(schema, values, self)
                if problem:
                    errors.append(FieldError(param.name, problem))
                    continue
                errors.extend(self.schema_errors(schema, value, param.name))
                coerced[param.name] = value
        if op.body_schema is not None and op.body_type == "application/json":
            if not body_present:
                if op.body_required:
                    errors.append(FieldError("body", "A JSON request body is required.", missing=True))
            else:
                errors.extend(self.schema_errors(op.body_schema, body))
        elif op.body_schema is not None and (op.body_type or "").startswith("multipart/"):
            errors.extend(
                FieldError(name, "No file was submitted.", missing=True)
                for name in self.deref(op.body_schema).get("required", [])
                if not isinstance(body, dict) or name not in body
            )
        return errors, coerced

    def _comma_separated(self, param: Param, raw: str) -> list[FieldError]:
        """Errors of a ``comma-separated`` lenient query value: each item checked against the schema."""
        errors: list[FieldError] = []
        for item in raw.split(","):
            value, problem = _scalar(param.schema, item)
            if problem:
                errors.append(FieldError(param.name, problem))
            else:
                errors.extend(self.schema_errors(param.schema, value, param.name))
        return errors


def _describe(validator: Any, message: str) -> str:
    return f"Invalid value ({validator}): {message}"


def _scalar(schema: dict[str, Any], raw: str) -> tuple[Any, str | None]:
    types = schema.get("type")
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if alternatives and not types:
        for alt in alternatives:
            value, problem = _scalar(alt, raw)
            if problem is None:
                return value, None
        return raw, None
    tlist = types if isinstance(types, list) else [types]
    if "integer" in tlist:
        try:
            return int(raw), None
        except ValueError:
            return raw, "A valid integer is required."
    if "number" in tlist:
        try:
            return float(raw), None
        except ValueError:
            return raw, "A valid number is required."
    if "boolean" in tlist:
        low = raw.lower()
        if low in ("true", "1"):
            return True, None
        if low in ("false", "0"):
            return False, None
        return raw, "Must be a valid boolean."
    return raw, None


def _coerce(schema: dict[str, Any], values: list[str], spec: Spec) -> tuple[Any, str | None]:
    if schema.get("type") == "array":
        items = spec.deref(schema.get("items", {}))
        flat = [v for raw in values for v in raw.split(",")]
        out = []
        for raw in flat:
            value, problem = _scalar(items, raw)
            if problem:
                return value, problem
            out.append(value)
        return out, None
    return _scalar(schema, values[-1])


class Router:
    """(method, path) → operation. Literal segments win over ``{templates}`` at the same position."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self._by_api: dict[str, list[Operation]] = {}
        for op in operations:
            self._by_api.setdefault(op.api, []).append(op)
        for ops in self._by_api.values():
            ops.sort(key=lambda o: o.sort_key)

    def resolve(self, api: str, method: str, path: str) -> tuple[Operation | None, dict[str, str], bool]:
        """``(operation, path_params, path_exists)``; ``path_exists`` tells 405 from 404."""
        parts = path.strip("/").split("/")
        exists = False
        for op in self._by_api.get(api, []):
            params = op.match(parts)
            if params is None:
                continue
            if op.method == method:
                return op, params, True
            exists = True
        return None, {}, exists
