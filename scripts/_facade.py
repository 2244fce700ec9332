"""Build the template context for endpoint modules and facade resources of one API.

Joins the parser's typed endpoints (openapi-python-client GeneratorData) with the spec's
``x-onstage`` metadata, which its templates cannot see.
"""

from __future__ import annotations

import re
from typing import Any

from _codegen import METHODS, _resolve, construct, is_secret_param, operations, pytype, s
from openapi_python_client import strings
from openapi_python_client.parser.bodies import BodyType
from openapi_python_client.parser.properties import (
    DateProperty,
    DateTimeProperty,
    EnumProperty,
    ListProperty,
    ModelProperty,
    NoneProperty,
    UnionProperty,
)

RESERVED = {
    "timeout",
    "max_retries",
    "total_timeout",
    "extra_headers",
    "extra_query",
    "options",
    "client",
    "self",
}


def argtype(prop: Any) -> str:
    """The type a facade argument accepts (looser than what responses carry)."""
    if isinstance(prop, UnionProperty):
        parts: list[str] = []
        for inner in prop.inner_properties:
            part = argtype(inner)
            if part not in parts:
                parts.append(part)
        if "None" in parts:
            parts.remove("None")
            parts.append("None")
        return " | ".join(parts)
    if isinstance(prop, ListProperty):
        return f"Sequence[{argtype(prop.inner_property)}]"
    if isinstance(prop, ModelProperty):
        return f"{prop.class_info.name} | Mapping[str, Any]"
    if isinstance(prop, EnumProperty):
        values = ", ".join(repr(v) for v in sorted(str(x) for x in prop.values.values()))
        return f"{prop.class_info.name} | Literal[{values}]"
    if isinstance(prop, DateTimeProperty):
        return "datetime.datetime | str"
    if isinstance(prop, DateProperty):
        return "datetime.date | str"
    if isinstance(prop, NoneProperty):
        return "None"
    return pytype(prop)


def _norm(text: str) -> str:
    return re.sub(r"[-_]", "", text)


def _pyname(name: str) -> str:
    ident = strings.PythonIdentifier(name, "field")
    return f"{ident}_" if ident in RESERVED else str(ident)


def _items_type(prop: Any, items: str | None) -> str:
    if prop is None:
        return "Any"
    if items is not None and isinstance(prop, ModelProperty):
        for inner in (prop.required_properties or []) + (prop.optional_properties or []):
            if s(inner.name) == items:
                prop = inner
                break
        else:
            return "Any"
    while isinstance(prop, UnionProperty):
        branches = [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]
        if len(branches) != 1:
            return "Any"
        prop = branches[0]
    if isinstance(prop, ListProperty):
        return pytype(prop.inner_property)
    return pytype(prop)


def _success(endpoint: Any) -> Any:
    for response in endpoint.responses.patterns:
        lo, hi = response.status_code.range
        if lo >= 200 and hi <= 299 and s(response.source["attribute"]) != "None":
            return response.prop
    return None


def facade_context(spec: dict[str, Any], api: str, data: Any, cfg: dict[str, Any]) -> dict[str, Any]:
    endpoints = {
        (_norm(s(e.path)), e.method.lower()): e
        for c in data.endpoint_collections_by_tag.values()
        for e in c.endpoints
    }
    bound = cfg["bound"]
    ops_by_tag: dict[str, list[dict[str, Any]]] = {}
    resources: dict[str, list[dict[str, Any]]] = {}
    for path, method, op, item_params in operations(spec, api):
        ep = endpoints[(_norm(path), method)]
        xo = op.get("x-onstage") or {}
        tag = str(strings.PythonIdentifier(op["tags"][0][len(api) + 1 :], "tag"))
        func = str(strings.PythonIdentifier(op["operationId"], "op"))
        raw = _raw_params(spec, item_params, op.get("parameters") or [])
        order = re.findall(r"{([^}]+)}", path)
        path_params = []
        for n in order:
            kind = _path_kind(spec, raw[("path", n)])
            path_params.append(
                {
                    "name": n,
                    "py": _pyname(n),
                    "bound": n in bound,
                    "kind": kind,
                    "type": PATH_TYPES[kind],
                    "secret": is_secret_param(spec, raw[("path", n)]),
                }
            )
        path_expr = path
        for p in path_params:
            call = (
                f"path_param({p['name']!r}, {p['py']}, {p['kind']!r}{', secret=True' if p['secret'] else ''})"
            )
            path_expr = path_expr.replace("{" + p["name"] + "}", "{" + call + "}")
        secret = [
            name for (where, name), param in raw.items() if where != "cookie" and is_secret_param(spec, param)
        ]
        query = [
            {
                "name": s(q.name),
                "py": _pyname(s(q.name)),
                "type": argtype(q),
                "required": q.required,
                "doc": s(q.description or "").replace("\n", " "),
            }
            for q in ep.query_parameters
        ]
        body = _body(ep, xo)
        resp = _success(ep)
        pag = xo.get("paginate")
        ctx = {
            "func": func,
            "id": op["operationId"],
            "method": method.upper(),
            "path": path,
            "path_expr": path_expr,
            "path_params": path_params,
            "secret_params": tuple(sorted(secret)),
            "query": query,
            "body": body,
            "summary": s(op.get("summary", "")),
            "description": s(op.get("description", "")).strip(),
            "returns": pytype(resp) if resp is not None else "None",
            "parse": construct(resp, "data", lookups=False) if resp is not None else "None",
            "resource": xo["resource"],
            "name": xo["method"],
            "idempotent": bool(xo.get("idempotent", method.upper() in ("GET", "PUT", "DELETE", "HEAD"))),
            "unwrap_key": xo.get("unwrap"),
            "paginate": pag,
            "items_type": _items_type(resp, (pag or {}).get("items")) if pag else None,
            "tag": tag,
            "defaults": xo.get("defaults") or {},
        }
        ops_by_tag.setdefault(tag, []).append(ctx)
        entries: list[tuple[str, str, dict[str, Any] | None]] = [(xo["resource"], xo["method"], None)]
        entries += [(xo["resource"], v["method"], v.get("body") or {}) for v in xo.get("variants") or []]
        entries += [(a.rsplit(".", 1)[0], a.rsplit(".", 1)[1], None) for a in xo.get("also") or []]
        for resource, name, fixed in entries:
            resources.setdefault(resource, []).append({"op": ctx, "method": name, "fixed": fixed or {}})
    tree = _tree(resources)
    return {"tags": sorted(ops_by_tag), "ops_by_tag": ops_by_tag, "resources": tree, "bound": bound}


# What a path parameter accepts, by its kind in the spec (see ``path_param``): a str always.
PATH_TYPES = {"string": "str", "integer": "int | str", "uuid": "str | uuid.UUID"}


def _raw_params(spec: dict[str, Any], *groups: list[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The operation's parameters as written in the spec (with ``x-*`` marks and ``format: uuid``,
    which the parser does not see), by ``(in, name)``; operation-level ones override path-level."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for group in groups:
        for param in group:
            param = _resolve(spec, param)
            out[(str(param["in"]), str(param["name"]))] = param
    return out


def _path_kind(spec: dict[str, Any], param: dict[str, Any]) -> str:
    schema = _resolve(spec, param.get("schema")) or {}
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types:
        return "integer"
    if schema.get("format") == "uuid":
        return "uuid"
    return "string"


def _body(ep: Any, xo: dict[str, Any]) -> dict[str, Any] | None:
    if not ep.bodies:
        return None
    body = ep.bodies[0]
    prop = body.prop
    kind = {BodyType.JSON: "json", BodyType.FILES: "files", BodyType.DATA: "data"}.get(body.body_type, "json")
    if isinstance(prop, ModelProperty) and not xo.get("body_param"):
        props = []
        for p in (prop.required_properties or []) + (prop.optional_properties or []):
            props.append(
                {
                    "name": s(p.name),
                    "py": _pyname(s(p.name)),
                    "type": "FileInput" if kind == "files" and "File" in pytype(p) else argtype(p),
                    "required": p.required,
                    "doc": s(p.description or "").replace("\n", " "),
                }
            )
        return {"kind": kind, "props": props, "param": None, "required": prop.required}
    return {
        "kind": kind,
        "props": [],
        "param": xo.get("body_param", "body"),
        "type": argtype(prop),
        "required": prop.required,
    }


def _tree(resources: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Resources sorted parents-first, each with its class name and children."""
    names = set(resources)
    for name in list(names):
        parts = name.split(".")
        for i in range(1, len(parts)):
            names.add(".".join(parts[:i]))
    out: list[dict[str, Any]] = []
    for name in sorted(names, key=lambda n: (-n.count("."), n)):
        children = sorted(
            n for n in names if n.startswith(name + ".") and n.count(".") == name.count(".") + 1
        )
        out.append(
            {
                "name": name,
                "attr": name.rsplit(".", 1)[-1],
                "cls": "".join(strings.pascal_case(p) for p in name.split(".")) + "Resource",
                "children": [
                    {
                        "attr": c.rsplit(".", 1)[-1],
                        "cls": "".join(strings.pascal_case(p) for p in c.split(".")) + "Resource",
                    }
                    for c in children
                ],
                "methods": sorted(resources.get(name, []), key=lambda m: m["method"]),
            }
        )
    return out


__all__ = ["METHODS", "facade_context"]
