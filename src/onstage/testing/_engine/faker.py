"""Plausible values for a JSON schema: payloads for operations without state, required fields that
stateful handlers did not fill in and ``None`` values the schema does not allow left out (so every response
satisfies the spec, nullability included), and JWT-looking tokens."""

from __future__ import annotations

import base64
import datetime
import json
import random
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .spec import Spec

__all__ = ["Faker", "iso_now"]

_MAX_DEPTH = 4
_SCALARS = ("string", "integer", "number", "boolean")
_PATTERNS = {
    r"^\d{2}:\d{2}:\d{2}$": "00:00:10",
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$": "2030-01-01 10:00:00",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def iso_now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Faker:
    """Builds example values from (dereferenced) schemas with a seeded RNG."""

    def __init__(self, spec: Spec, rng: random.Random) -> None:
        self.spec = spec
        self.rng = rng
        self._nullables: dict[int, tuple[Any, bool]] = {}

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, n: int = 32) -> str:
        return "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))

    def jwt(self, claims: dict[str, Any]) -> str:
        """A JWT-looking token (header.claims.signature); the signature is random, not verifiable."""
        header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        return f"{header}.{body}.{_b64(self.token(43).encode())}"

    def _alternatives(self, schema: dict[str, Any]) -> list[Any] | None:
        alts = schema.get("oneOf") or schema.get("anyOf")
        return list(alts) if alts else None

    def _type(self, schema: dict[str, Any]) -> str | None:
        t = schema.get("type")
        if isinstance(t, list):
            non_null = [x for x in t if x != "null"]
            return non_null[0] if non_null else "null"
        if t is None and "properties" in schema:
            return "object"
        return t if isinstance(t, str) else None

    def make(self, schema: Any, name: str = "", depth: int = 0) -> Any:
        schema = self.spec.deref(schema)
        if not isinstance(schema, dict):
            return None
        if "const" in schema:
            return schema["const"]
        if schema.get("enum"):
            return schema["enum"][0]
        if "default" in schema:
            return schema["default"]
        alts = self._alternatives(schema)
        if alts:
            for alt in alts:
                alt = self.spec.deref(alt)
                if self._type(alt) != "null":
                    return self.make(alt, name, depth)
            return None
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                value = self.make(part, name, depth)
                if isinstance(value, dict):
                    merged.update(value)
            return merged
        kind = self._type(schema)
        nullable = isinstance(schema.get("type"), list) and "null" in schema["type"]
        if nullable and name in ("next", "previous"):
            return None
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            count = int(schema.get("minItems", 0))
            return [self.make(schema.get("items", {}), name, depth + 1) for _ in range(count)]
        if kind == "string":
            return self._string(schema, name)
        if kind == "integer":
            return int(schema.get("minimum", 0 if "maximum" not in schema else min(0, schema["maximum"])))
        if kind == "number":
            return float(schema.get("minimum", 0))
        if kind == "boolean":
            return name == "success"
        return None  # "null", or no type at all

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        required = set(schema.get("required", []))
        for prop, sub in (schema.get("properties") or {}).items():
            resolved = self.spec.deref(sub)
            if isinstance(resolved, dict) and resolved.get("writeOnly"):
                continue
            if prop in required or depth < _MAX_DEPTH or self._leaf(resolved):
                out[prop] = self.make(resolved, prop, depth + 1)
        return out

    def _leaf(self, schema: Any) -> bool:
        """A scalar (string, number, boolean, enum): cheap to fill at any depth, so objects below the depth
        cap still get their scalar fields (a seeded preset's colour shades)."""
        if not isinstance(schema, dict) or self._alternatives(schema) or "allOf" in schema:
            return False
        return "enum" in schema or "const" in schema or self._type(schema) in _SCALARS

    def nullable(self, schema: Any) -> bool:
        """Whether ``null`` is a valid value of ``schema`` (``type: [..., 'null']``, a null ``oneOf`` or
        ``anyOf`` branch, a ``$ref`` to such a schema, or no type at all)."""
        if not isinstance(schema, dict):
            return True
        cached = self._nullables.get(id(schema))
        if cached is not None and cached[0] is schema:
            return cached[1]
        result = bool(self.spec.validator(schema).is_valid(None))
        self._nullables[id(schema)] = (schema, result)
        return result

    def _string(self, schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        if fmt == "uuid":
            return self.uuid()
        if fmt == "date-time":
            return iso_now()
        if fmt == "date":
            return datetime.date.today().isoformat()
        if fmt in ("uri", "url"):
            return f"https://sandbox.invalid/{name or 'resource'}"
        if fmt == "email":
            return "host@example.com"
        if fmt == "binary":
            return ""
        pattern = schema.get("pattern")
        if pattern in _PATTERNS:
            return _PATTERNS[pattern]
        text = name.replace("_", "-") if name else "string"
        min_len = int(schema.get("minLength", 0))
        if len(text) < min_len:
            text = text + "x" * (min_len - len(text))
        if "maxLength" in schema:
            text = text[: int(schema["maxLength"])]
        return text

    def fill(self, schema: Any, data: Any, depth: int = 0) -> Any:
        """``data`` shaped to the schema, recursively: every required property the schema asks for filled
        in, an optional property whose value is ``None`` left out unless the schema lets it be ``null`` (the
        real APIs omit a field that has no value where their schemas type it non-nullable), and no
        ``writeOnly`` ones. Handlers may put ``None`` anywhere; this is the one place it is shaped."""
        schema = self.spec.deref(schema)
        if not isinstance(schema, dict) or depth > 12:
            return data
        if data is None:
            return data
        alts = self._alternatives(schema)
        if alts:
            for alt in alts:
                alt = self.spec.deref(alt)
                if isinstance(data, dict) and self._type(alt) == "object":
                    return self.fill(alt, data, depth + 1)
            return data
        for part in schema.get("allOf", []):
            data = self.fill(part, data, depth + 1)
        kind = self._type(schema)
        if kind == "object" and isinstance(data, dict):
            props = schema.get("properties") or {}
            secret = {p for p, sub in props.items() if (self.spec.deref(sub) or {}).get("writeOnly")}
            for prop in secret & set(data):
                del data[prop]  # secrets are accepted, never echoed back
            for prop in [p for p, v in data.items() if v is None and p in props]:
                if not self.nullable(props[prop]):
                    del data[prop]  # no value: omitted (a required one is filled in below)
            for prop in schema.get("required", []):
                if prop not in data and prop not in secret:
                    data[prop] = self.make(props.get(prop, {}), prop, 1)
            for prop, value in data.items():
                if prop in props:
                    data[prop] = self.fill(props[prop], value, depth + 1)
        elif kind == "array" and isinstance(data, list):
            items = schema.get("items", {})
            return [self.fill(items, v, depth + 1) for v in data]
        return data
