"""The template context of one API's endpoint modules and facade resources.

Joins the parser's typed endpoints (``GeneratorData``) with what only the unpatched spec holds: the
``x-onstage`` marks (resource, method name, pagination, variants…), ``format: uuid`` of path
parameters and the secret marks. Whether a call may be retried follows ``onstage._retry``'s rule
unless the operation's ``x-onstage: {idempotent: …}`` says otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from openapi_python_client import strings
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.bodies import BodyType
from openapi_python_client.parser.properties import ListProperty, ModelProperty, NoneProperty, UnionProperty

from onstage._retry import is_idempotent
from scripts.codegen.docs import MISSING, PER_CALL, describe, inferred, is_datetime
from scripts.codegen.parse import s
from scripts.codegen.secret_marks import is_secret_param
from scripts.codegen.spec import Json, operations, resolve
from scripts.codegen.typemap import argtype, construct, pytype

__all__ = ["PATH_TYPES", "RESERVED", "facade_context"]

#: Facade keyword arguments of every method: a spec parameter with one of these names gets a ``_``.
RESERVED = {
    "timeout",
    "max_retries",
    "total_timeout",
    "extra_headers",
    "extra_query",
    "extra_body",
    "options",
    "client",
    "self",
}

#: What a path parameter accepts, by its kind in the spec (see ``path_param``): a str always.
PATH_TYPES = {"string": "str", "integer": "int | str", "uuid": "str | uuid.UUID"}


def facade_context(spec: Json, api: str, data: GeneratorData, bound: Sequence[str]) -> dict[str, Any]:
    """``tags`` and ``ops_by_tag`` for the endpoint modules; ``tops`` for the facade (one module per
    top-level resource, named by its ``attr``, holding its resources children first);
    ``facade_types``, per tag, the type expressions its facade methods write (for the models split)."""
    endpoints = {
        (_norm(s(e.path)), e.method.lower()): e
        for c in data.endpoint_collections_by_tag.values()
        for e in c.endpoints
    }
    bound = list(bound)
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
                    "doc": describe(spec, raw[("path", n)], raw[("path", n)].get("schema")),
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
        query = [_query_param(spec, q, raw.get(("query", s(q.name))) or {}) for q in ep.query_parameters]
        body = _body(spec, ep, xo, op)
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
            "description": _op_description(op),
            "returns": pytype(resp) if resp is not None else "None",
            "returns_doc": _success_description(spec, op),
            "parse": construct(resp, "data", lookups=False) if resp is not None else "None",
            "resource": xo["resource"],
            "name": xo["method"],
            "idempotent": bool(xo.get("idempotent", is_idempotent(method))),
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
            fixed = fixed or {}
            resources.setdefault(resource, []).append(
                {"op": ctx, "method": name, "fixed": fixed, "args": _arguments(ctx, fixed)}
            )
    tree = _tree(resources)
    return {
        "tags": sorted(ops_by_tag),
        "ops_by_tag": ops_by_tag,
        "tops": _tops(tree),
        # model class -> the field its ``__getattr__`` reads through (``x-onstage-delegate``)
        "delegates": {
            str(strings.ClassName(name[len(api) + 1 :], "")): schema["x-onstage-delegate"]
            for name, schema in spec.get("components", {}).get("schemas", {}).items()
            if name.startswith(f"{api}_") and isinstance(schema, dict) and schema.get("x-onstage-delegate")
        },
        "facade_types": {tag: _facade_types(ops) for tag, ops in ops_by_tag.items()},
    }


def _arguments(op: dict[str, Any], fixed: dict[str, Any]) -> list[dict[str, Any]]:
    """A facade method's parameters in signature order, each ``name``, ``annotation``, ``default``
    (None: no default) and ``doc``; ``star`` on the first keyword-only one. The signature and the
    docstring's ``Args:`` both iterate this list, so they cannot disagree."""
    body = op["body"]
    out = [
        {"name": p["py"], "annotation": p["type"], "default": None, "doc": p["doc"]}
        for p in op["path_params"]
        if not p["bound"]
    ]
    if body and body["param"]:
        out.append(
            {
                "name": body["param"],
                "annotation": body["type"] if body["required"] else f"{body['type']} | NotGiven",
                "default": None if body["required"] else "NOT_GIVEN",
                "doc": body["doc"],
            }
        )
    keywords = []
    if body and not body["param"]:
        props = [b for b in body["props"] if b["name"] not in fixed]
        needed = [b for b in props if b["required"] and b["name"] not in op["defaults"]]
        for b in needed + [b for b in props if b not in needed]:
            default = None if b in needed else "NOT_GIVEN"
            annotation = b["type"] if default is None else f"{b['type']} | NotGiven"
            keywords.append({"name": b["py"], "annotation": annotation, "default": default, "doc": b["doc"]})
    for q in op["query"]:
        annotation = q["type"] if q["required"] else f"{q['type']} | NotGiven"
        default = None if q["required"] else "NOT_GIVEN"
        keywords.append({"name": q["py"], "annotation": annotation, "default": default, "doc": q["doc"]})
    object_body = bool(body and not body["param"])
    keywords += [
        {"name": name, "annotation": annotation, "default": default, "doc": doc}
        for name, annotation, default, doc, with_body in PER_CALL
        if object_body or not with_body
    ]
    return [{**a, "star": False} for a in out] + [{**a, "star": i == 0} for i, a in enumerate(keywords)]


def _facade_types(ops: list[dict[str, Any]]) -> list[str]:
    """The type expressions the facade methods of these operations write (arguments and returns)."""
    out: list[str] = []
    for op in ops:
        out += [op["returns"], op["items_type"] or ""]
        out += [q["type"] for q in op["query"]]
        if op["body"]:
            out += [b["type"] for b in op["body"]["props"]] + [op["body"].get("type", "")]
    return sorted(set(filter(None, out)))


def _tops(tree: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per top-level resource (one module each): its module name, class, the resource
    classes it holds (children first) and the endpoint modules (tags) its methods call."""
    out = []
    for top in (r for r in tree if "." not in r["name"]):
        members = [r for r in tree if r["name"] == top["name"] or r["name"].startswith(top["name"] + ".")]
        tags = sorted({m["op"]["tag"] for r in members for m in r["methods"]})
        out.append({**top, "members": members, "tags": tags})
    return sorted(out, key=lambda t: t["name"])


def _norm(text: str) -> str:
    return re.sub(r"[-_]", "", text)


def _pyname(name: str) -> str:
    ident = strings.PythonIdentifier(name, "field")
    return f"{ident}_" if ident in RESERVED else str(ident)


def _items_type(prop: Any, items: str | None) -> str:
    """The element type a paginated list yields (the ``items`` property of its page, or the list)."""
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


def _raw_params(spec: Json, *groups: list[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """The operation's parameters as written in the spec (with ``x-*`` marks and ``format: uuid``,
    which the parser does not see), by ``(in, name)``; operation-level ones override path-level."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for group in groups:
        for param in group:
            param = resolve(spec, param)
            out[(str(param["in"]), str(param["name"]))] = param
    return out


def _path_kind(spec: Json, param: dict[str, Any]) -> str:
    schema = resolve(spec, param.get("schema")) or {}
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types:
        return "integer"
    if schema.get("format") == "uuid":
        return "uuid"
    return "string"


#: ``x-onstage-datetime`` on a body field or query parameter whose wire form is not RFC 3339: the
#: facade also takes a ``datetime`` and converts it. Mark -> (the ``_gen_support`` function that
#: converts, the type the facade accepts).
DATETIME_MARKS = {
    "naive": ("naive_datetime", "datetime.datetime | str"),
    "unix": ("unix_seconds", "datetime.datetime | int"),
}


def _datetime_mark(node: dict[str, Any], name: str) -> tuple[str, str] | None:
    """``(converter, accepted type)`` of a field's ``x-onstage-datetime`` mark, or None."""
    mark = node.get("x-onstage-datetime")
    if mark is None:
        return None
    if mark not in DATETIME_MARKS:
        raise ValueError(f"x-onstage-datetime of {name!r}: {mark!r} is not one of {sorted(DATETIME_MARKS)}")
    return DATETIME_MARKS[mark]


def _op_description(op: dict[str, Any]) -> str:
    """The operation's description, with its ``x-onstage-inferred`` reason when it has one."""
    text = s(op.get("description", "")).strip()
    reason = inferred(op)
    return f"{text}\n\nInferred: {reason}".strip() if reason else text


def _query_param(spec: Json, q: Any, node: dict[str, Any]) -> dict[str, Any]:
    """One query parameter as a keyword argument (``node``: the parameter as written in the spec)."""
    name, py = s(q.name), _pyname(s(q.name))
    mark = _datetime_mark(node, name)
    if mark is not None:
        convert: str | None = mark[0]
    elif node and is_datetime(spec, node.get("schema")):
        convert = "aware_datetime"
    else:
        convert = None
    return {
        "name": name,
        "py": py,
        "type": mark[1] if mark is not None else argtype(q),
        "required": q.required,
        "doc": describe(spec, node, node.get("schema")) if node else MISSING,
        # the _gen_support function the value goes through before query_value, if any
        "convert": convert,
    }


def _raw_body(spec: Json, op: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The operation's request body object and its schema's top-level properties as written in the
    spec (with their ``x-*`` marks, which the parser does not see), by name."""
    body = resolve(spec, op.get("requestBody")) or {}
    for media in (body.get("content") or {}).values():
        schema = resolve(spec, (media or {}).get("schema")) or {}
        props = {str(k): resolve(spec, v) or {} for k, v in (schema.get("properties") or {}).items()}
        return {**schema, **body}, props
    return body, {}


def _success_description(spec: Json, op: dict[str, Any]) -> str:
    """The description of the operation's first 2xx response (what the call returns)."""
    for status, response in sorted((op.get("responses") or {}).items()):
        if str(status).startswith("2"):
            text = " ".join(str((resolve(spec, response) or {}).get("description") or "").split())
            return text if not text or text.endswith(".") else text + "."
    return ""


def _body_prop(spec: Json, p: Any, kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """One body field as a keyword argument: its type, the expression that puts it in the body (a
    ``date-time`` field refuses a naive ``datetime``), and its documentation."""
    name, py = s(p.name), _pyname(s(p.name))
    mark = _datetime_mark(raw, name)
    if mark is not None:
        type_, value = mark[1], f"{mark[0]}({py}, {name!r})"
    else:
        type_ = "FileInput" if kind == "files" and "File" in pytype(p) else argtype(p)
        value = f"aware_datetime({py}, {name!r})" if is_datetime(spec, raw) else py
    return {
        "name": name,
        "py": py,
        "type": type_,
        "value": value,
        "required": p.required,
        "doc": describe(spec, raw) if raw else MISSING,
    }


def _body(spec: Json, ep: Any, xo: dict[str, Any], op: dict[str, Any]) -> dict[str, Any] | None:
    if not ep.bodies:
        return None
    whole, raw = _raw_body(spec, op)
    body = ep.bodies[0]
    prop = body.prop
    kind = {BodyType.JSON: "json", BodyType.FILES: "files", BodyType.DATA: "data"}.get(body.body_type, "json")
    if isinstance(prop, ModelProperty) and not xo.get("body_param"):
        props = [
            _body_prop(spec, p, kind, raw.get(s(p.name)) or {})
            for p in (prop.required_properties or []) + (prop.optional_properties or [])
        ]
        return {"kind": kind, "props": props, "param": None, "required": prop.required}
    return {
        "kind": kind,
        "props": [],
        "param": xo.get("body_param", "body"),
        "type": argtype(prop),
        "required": prop.required,
        "doc": describe(spec, whole),
    }


def _tree(resources: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Resources sorted parents-first, each with its class name and children."""
    names = set(resources)
    for name in list(names):
        parts = name.split(".")
        for i in range(1, len(parts)):
            names.add(".".join(parts[:i]))

    def children_of(name: str) -> list[str]:
        return sorted(n for n in names if n.startswith(name + ".") and n.count(".") == name.count(".") + 1)

    def summary(name: str) -> str:
        """A resource's docstring (the class's and the property's that reaches it)."""
        methods = sorted(m["method"] for m in resources.get(name, []))
        listed = [", ".join(methods)] if methods else []
        children = children_of(name)
        listed += ["sub-resources: " + ", ".join(c.rsplit(".", 1)[-1] for c in children)] if children else []
        return f"``{name}``: {'; '.join(listed)}."

    out: list[dict[str, Any]] = []
    for name in sorted(names, key=lambda n: (-n.count("."), n)):
        out.append(
            {
                "name": name,
                "attr": name.rsplit(".", 1)[-1],
                "cls": _resource_class(name),
                "children": [
                    {"attr": c.rsplit(".", 1)[-1], "cls": _resource_class(c), "summary": summary(c)}
                    for c in children_of(name)
                ],
                "methods": sorted(resources.get(name, []), key=lambda m: m["method"]),
                "summary": summary(name),
            }
        )
    return out


def _resource_class(name: str) -> str:
    return "".join(strings.pascal_case(p) for p in name.split(".")) + "Resource"
