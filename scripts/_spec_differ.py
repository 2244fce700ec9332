"""Schema and operation comparison for ``scripts/spec_diff.py``: the ``Change`` records and the
``_Differ`` that walks two specs side by side (through ``$ref``s, recursion-guarded) and classifies
each change as breaking or not for SDK users. References are followed with ``onstage._openapi``'s
``follow`` (``spec_diff`` loads and walks specs with its loader and ``operations``, like the generator
and the sandbox)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from onstage._openapi import follow
from scripts.codegen.spec import Json

MAX_DEPTH = 48
COMPONENTS = "components.schemas"
# Schema changes that break when the SDK sends the value (params, bodies) / reads it (responses);
# everything else (enum-value-added, the opposite direction of each) is non-breaking.
_BOTH = {"property-removed", "type-changed"}
BREAKS_SENT = _BOTH | {"became-required", "became-non-nullable", "enum-value-removed", "variant-removed"}
BREAKS_READ = _BOTH | {"became-optional", "became-nullable", "type-widened", "variant-added"}


@dataclass(frozen=True)
class Change:
    """One classified difference. `operation` is the report group, `location` where inside it."""

    kind: str
    location: str
    detail: str
    breaking: bool
    operation: str = ""

    def line(self) -> str:
        flag = "BREAKING" if self.breaking else "non-breaking"
        where = f"{self.location}: " if self.location else ""
        return f"{flag:<12}  {self.kind}  {where}{self.detail}"


@dataclass(frozen=True, eq=False)
class Op:
    route: str  # "GET /path"
    template: str  # "GET /rooms/{}": path parameter names erased, for matching
    op_id: str
    item: Json  # the path item (path-level parameters)
    op: Json

    @property
    def label(self) -> str:
        return f"{self.op_id} ({self.route})" if self.op_id else self.route


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _fmt(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def _is_null(node: Any) -> bool:
    return isinstance(node, Mapping) and (
        _as_list(node.get("type")) == ["null"] or node.get("enum") == [None] or node.get("const", 0) is None
    )


def _types(s: Json) -> frozenset[str]:
    """The non-null JSON types a schema allows; empty means unconstrained."""
    types = {str(t) for t in _as_list(s.get("type")) if t != "null"}
    if not types and isinstance(s.get("properties"), Mapping):
        types.add("object")
    if not types and "items" in s:
        types.add("array")
    if not types:
        names = {bool: "boolean", int: "integer", float: "number", str: "string"}
        types = {names.get(type(v), "object") for v in _as_list(s.get("enum")) if v is not None}
    return frozenset(types)


def _type_str(s: Json) -> str:
    text = "|".join(sorted(_types(s))) or "any"
    if s.get("format"):
        text += f"({s['format']})"
    return text + (" enum" if "enum" in s else "")


def _enum(s: Json) -> dict[str, Any] | None:
    if not isinstance(s.get("enum"), list):
        return None
    return {_fmt(v): v for v in s["enum"] if v is not None}


class _Differ:
    def __init__(self, old: Json, new: Json) -> None:
        self.docs = (old, new)
        self.changes: list[Change] = []
        self.group = ""

    def add(self, kind: str, location: str, detail: str, breaking: bool) -> None:
        self.changes.append(Change(kind, location, detail, breaking, self.group))

    def rule(self, area: str, what: str, location: str, detail: str) -> None:
        breaks = BREAKS_READ if area == "response" else BREAKS_SENT
        self.add(f"{area}-{what}", location, detail, what in breaks)

    def required(self, area: str, loc: str, old: bool, new: bool, noun: str) -> None:
        if old != new:
            what, now = ("became-required", "now") if new else ("became-optional", "no longer")
            self.rule(area, what, loc, f"{noun} is {now} required")

    def deref(self, side: int, node: Any) -> tuple[Any, str | None]:
        """Follow local `$ref`s (`#/a/b/c`) in the old (0) or new (1) document; return (node, last ref)."""
        name = None
        for _ in range(MAX_DEPTH):
            if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
                return node, name
            ref: str = node["$ref"]
            name = ref.rsplit("/", 1)[-1]
            target = follow(self.docs[side], ref)
            if target is None:
                return {"x-unresolved-ref": ref}, name
            node = target
        return {}, name

    def norm(self, side: int, node: Any, depth: int = 0) -> tuple[Json, str | None, bool]:
        """Resolve refs, strip null branches and merge allOf: (schema, ref name, nullable)."""
        nullable, ref = False, None
        for _ in range(MAX_DEPTH):
            node, name = self.deref(side, node)
            ref = name or ref
            if not isinstance(node, Mapping):
                return {}, ref, nullable
            nullable = nullable or node.get("nullable") is True or "null" in _as_list(node.get("type"))
            nullable = nullable or None in _as_list(node.get("enum"))
            for comb in ("oneOf", "anyOf"):
                branches = node.get(comb)
                if isinstance(branches, list) and any(_is_null(b) for b in branches):
                    nullable = True
                    node = {**node, comb: [b for b in branches if not _is_null(b)]}
            single = [c for c in ("oneOf", "anyOf") if len(_as_list(node.get(c))) == 1]
            if len(_as_list(node.get("allOf"))) == 1 and not {"properties", "required", "type"} & node.keys():
                single.append("allOf")
            if not single or depth > MAX_DEPTH:
                break
            node = node[single[0]][0]
        if isinstance(node.get("allOf"), list) and depth <= MAX_DEPTH:
            merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
            props: dict[str, Any] = dict(merged.get("properties") or {})
            required = set(_as_list(merged.get("required")))
            for branch in node["allOf"]:
                part, _, _ = self.norm(side, branch, depth + 1)
                props.update(part.get("properties") or {})
                required |= set(_as_list(part.get("required")))
                for key, value in part.items():
                    merged.setdefault(key, value)
            merged.update(properties=props, required=sorted(required, key=str))
            node = merged
        return node, ref, nullable

    def summary(self, side: int, node: Any, depth: int = 0) -> str:
        s, ref, _ = self.norm(side, node)
        if ref or depth > 4:
            return ref or "..."
        text = _type_str(s)
        if isinstance(s.get("properties"), Mapping):
            text += "{" + ",".join(sorted(map(str, s["properties"]))) + "}"
        if "items" in s:
            text += "[" + self.summary(side, s["items"], depth + 1) + "]"
        enum = _enum(s)
        return text + (f"({','.join(sorted(enum))})" if enum else "")

    def branches(self, side: int, s: Json) -> dict[str, Any] | None:
        for comb in ("oneOf", "anyOf"):
            if isinstance(s.get(comb), list):
                return {self.summary(side, b): b for b in s[comb]}
        return None

    def schema(self, old: Any, new: Any, loc: str, area: str, stack: frozenset[Any] = frozenset()) -> None:
        o, oref, onull = self.norm(0, old)
        n, nref, nnull = self.norm(1, new)
        guard = (oref, nref)
        if ((oref or nref) and guard in stack) or len(stack) > MAX_DEPTH or not (o or n):
            return
        stack |= {guard}
        if onull != nnull:
            now = "now" if nnull else "no longer"
            self.rule(
                area, "became-nullable" if nnull else "became-non-nullable", loc, f"null is {now} allowed"
            )
        ob, nb = self.branches(0, o), self.branches(1, n)
        if ob is not None or nb is not None:
            ob = {oref or self.summary(0, o): o} if ob is None else ob
            nb = {nref or self.summary(1, n): n} if nb is None else nb
            for name in sorted(ob.keys() - nb.keys()):
                self.rule(area, "variant-removed", loc, f"variant {name} removed")
            for name in sorted(nb.keys() - ob.keys()):
                self.rule(area, "variant-added", loc, f"variant {name} added")
            for name in sorted(ob.keys() & nb.keys()):
                self.schema(ob[name], nb[name], f"{loc}<{name}>", area, stack)
            return
        ot, nt, oe, ne = _types(o), _types(n), _enum(o), _enum(n)
        if ot != nt or o.get("format") != n.get("format") or (oe is None) != (ne is None):
            accepts = nt | ({"integer"} if "number" in nt else set())  # an int is a valid number
            wider = (not nt or bool(ot and accepts >= ot)) and o.get("format") == n.get("format")
            wider = wider and (ne is None or (oe is not None and ne.keys() >= oe.keys()))
            detail = f"{_type_str(o)} -> {_type_str(n)}"
            self.rule(area, "type-widened" if wider else "type-changed", loc, detail)
            return
        if oe is not None and ne is not None:
            for key in sorted(oe.keys() - ne.keys()):
                self.rule(area, "enum-value-removed", loc, f"enum value {key!r} removed")
            for key in sorted(ne.keys() - oe.keys()):
                self.rule(area, "enum-value-added", loc, f"enum value {key!r} added")
        self.properties(o, n, loc, area, stack)
        if "items" in o and "items" in n:
            self.schema(o["items"], n["items"], f"{loc}[]", area, stack)
        extra = (o.get("additionalProperties"), n.get("additionalProperties"))
        if isinstance(extra[0], Mapping) and isinstance(extra[1], Mapping):
            self.schema(extra[0], extra[1], f"{loc}{{*}}", area, stack)

    def properties(self, o: Json, n: Json, loc: str, area: str, stack: frozenset[Any]) -> None:
        hidden = "writeOnly" if area == "response" else "readOnly"

        def visible(s: Json) -> dict[str, Any]:
            props = s.get("properties") or {}
            return {str(k): v for k, v in props.items() if not (isinstance(v, Mapping) and v.get(hidden))}

        op, np_ = visible(o), visible(n)
        oreq, nreq = ({str(r) for r in _as_list(s.get("required"))} for s in (o, n))
        word = "field" if area == "response" else "property"
        for name in sorted(op.keys() - np_.keys()):
            self.rule(area, "property-removed", f"{loc}.{name}", f"{word} `{name}` removed")
        for name in sorted(np_.keys() - op.keys()):
            req = name in nreq
            breaking = req and area != "response"
            kind = _type_str(self.norm(1, np_[name])[0])
            desc = f"{'required' if req else 'optional'} {word} `{name}` added ({kind})"
            self.add(f"{area}-property-added", f"{loc}.{name}", desc, breaking)
        for name in sorted(op.keys() & np_.keys()):
            self.required(area, f"{loc}.{name}", name in oreq, name in nreq, f"`{name}`")
            self.schema(op[name], np_[name], f"{loc}.{name}", area, stack)

    def params(self, side: int, op: Op) -> dict[str, Json]:
        out: dict[str, Json] = {}
        for raw in [*_as_list(op.item.get("parameters")), *_as_list(op.op.get("parameters"))]:
            p, _ = self.deref(side, raw)
            if isinstance(p, Mapping) and "name" in p:
                out[f"{p.get('in')}.{p['name']}"] = p
        return out

    @staticmethod
    def param_schema(p: Json) -> Any:
        media = [m for m in (p.get("content") or {}).values() if isinstance(m, Mapping)]
        return p["schema"] if "schema" in p else next((m.get("schema") for m in media), None)

    def compare_params(self, old: Op, new: Op) -> None:
        op, np_ = self.params(0, old), self.params(1, new)
        for key in sorted(op.keys() - np_.keys()):
            self.add("param-removed", key, f"parameter `{op[key]['name']}` removed", True)
        for key in sorted(np_.keys() - op.keys()):
            req = bool(np_[key].get("required")) or np_[key].get("in") == "path"
            desc = f"{'required' if req else 'optional'} parameter `{np_[key]['name']}` added"
            self.add("param-added", key, desc, req)
        for key in sorted(op.keys() & np_.keys()):
            oreq, nreq = (bool(p.get("required")) or p.get("in") == "path" for p in (op[key], np_[key]))
            self.required("param", key, oreq, nreq, "parameter")
            self.schema(self.param_schema(op[key]), self.param_schema(np_[key]), key, "param")

    def content(self, o: Json, n: Json, loc: str, area: str) -> None:
        oc, nc = o.get("content") or {}, n.get("content") or {}
        for mt in sorted(oc.keys() - nc.keys()):
            self.add(f"{area}-media-type-removed", loc, f"media type {mt} removed", True)
        for mt in sorted(nc.keys() - oc.keys()):
            self.add(f"{area}-media-type-added", loc, f"media type {mt} added", False)
        common = sorted(oc.keys() & nc.keys())
        for mt in common:
            where = loc if len(common) == 1 else f"{loc}[{mt}]"
            self.schema((oc[mt] or {}).get("schema"), (nc[mt] or {}).get("schema"), where, area)

    def compare_body(self, old: Op, new: Op) -> None:
        ob, _ = self.deref(0, old.op.get("requestBody"))
        nb, _ = self.deref(1, new.op.get("requestBody"))
        if isinstance(ob, Mapping) and isinstance(nb, Mapping):
            self.required("body", "body", bool(ob.get("required")), bool(nb.get("required")), "request body")
            self.content(ob, nb, "body", "body")
        elif isinstance(ob, Mapping):
            self.add("body-removed", "body", "request body removed", True)
        elif isinstance(nb, Mapping):
            req = bool(nb.get("required"))
            self.add("body-added", "body", f"{'required' if req else 'optional'} request body added", req)

    def compare_responses(self, old: Op, new: Op) -> None:
        def success(side: int, op: Op) -> dict[str, Json]:
            items = (op.op.get("responses") or {}).items()
            resolved = {str(code): self.deref(side, r)[0] for code, r in items if str(code).startswith("2")}
            return {code: r for code, r in resolved.items() if isinstance(r, Mapping)}

        ors, nrs = success(0, old), success(1, new)
        for code in sorted(ors.keys() - nrs.keys()):
            self.add("response-removed", f"response.{code}", f"success response {code} removed", True)
        for code in sorted(nrs.keys() - ors.keys()):
            self.add("response-added", f"response.{code}", f"success response {code} added", False)
        for code in sorted(ors.keys() & nrs.keys()):
            self.content(ors[code], nrs[code], f"response.{code}", "response")

    def compare_facade(self, old: Op, new: Op) -> None:
        def names(op: Op) -> tuple[str | None, set[str]]:
            x = op.op.get("x-onstage")
            if not isinstance(x, Mapping):
                return None, set()
            res, meth = x.get("resource"), x.get("method")
            extra = {str(a) for a in _as_list(x.get("also"))}
            extra |= {
                f"{res}.{v['method']}"
                for v in _as_list(x.get("variants"))
                if isinstance(v, Mapping) and "method" in v
            }
            return (f"{res}.{meth}" if res and meth else None), extra

        (omain, oextra), (nmain, nextra) = names(old), names(new)
        if omain != nmain:
            moved, detail = omain is not None, f"facade method {omain or '(none)'} -> {nmain or '(none)'}"
            self.add("facade-moved" if moved else "facade-added", "x-onstage", detail, moved)
        for name in sorted(oextra - nextra):
            self.add("facade-alias-removed", "x-onstage", f"facade method {name} removed", True)
        for name in sorted(nextra - oextra):
            self.add("facade-alias-added", "x-onstage", f"facade method {name} added", False)

    def compare_ops(self, old: Op, new: Op) -> None:
        self.group = new.label
        if old.op_id != new.op_id:
            ids = f"{old.op_id or '(none)'} -> {new.op_id or '(none)'}"
            self.add("operation-id-renamed", "operationId", f"{ids} (generated function renamed)", True)
        if old.route != new.route:
            self.add("operation-route-changed", "route", f"{old.route} -> {new.route}", False)
        self.compare_facade(old, new)
        self.compare_params(old, new)
        self.compare_body(old, new)
        self.compare_responses(old, new)
