"""Type mapping: the parser's typed properties as Python type expressions (``pytype`` for what
models and responses carry, ``argtype`` for the looser types facade arguments accept) and as parse
expressions (``construct``: JSON value → that type, lean: no copies)."""

from __future__ import annotations

from typing import Any

from openapi_python_client.parser.properties import (
    AnyProperty,
    BooleanProperty,
    ConstProperty,
    DateProperty,
    DateTimeProperty,
    EnumProperty,
    FileProperty,
    FloatProperty,
    IntProperty,
    ListProperty,
    ModelProperty,
    NoneProperty,
    StringProperty,
    UnionProperty,
    UuidProperty,
)

__all__ = ["argtype", "construct", "is_identity", "pytype"]

_SIMPLE: dict[type, str] = {
    StringProperty: "str",
    UuidProperty: "str",
    IntProperty: "int",
    FloatProperty: "float",
    BooleanProperty: "bool",
    DateTimeProperty: "datetime.datetime",
    DateProperty: "datetime.date",
    NoneProperty: "None",
    AnyProperty: "Any",
    FileProperty: "FileInput",
}


def _union(parts: list[str]) -> str:
    """Join the parts of a union without repeats, ``None`` last."""
    seen: list[str] = []
    for part in parts:
        if part not in seen:
            seen.append(part)
    if "None" in seen:
        seen.remove("None")
        seen.append("None")
    return " | ".join(seen)


def pytype(prop: Any) -> str:
    """The type a model field or a response carries."""
    if isinstance(prop, UnionProperty):
        return _union([part for inner in prop.inner_properties for part in pytype(inner).split(" | ")])
    if isinstance(prop, ListProperty):
        return f"list[{pytype(prop.inner_property)}]"
    if isinstance(prop, (ModelProperty, EnumProperty)):
        return str(prop.class_info.name)
    for cls, name in _SIMPLE.items():
        if isinstance(prop, cls):
            return name
    if isinstance(prop, ConstProperty):
        return type(prop.value.python_code if hasattr(prop.value, "python_code") else prop.value).__name__
    return "Any"


def argtype(prop: Any) -> str:
    """The type a facade argument accepts (looser than what responses carry)."""
    if isinstance(prop, UnionProperty):
        return _union([argtype(inner) for inner in prop.inner_properties])
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


def is_identity(prop: Any) -> bool:
    """The JSON value is already the property's type (no parse expression needed)."""
    return construct(prop, "x") == "x"


def construct(prop: Any, src: str, depth: int = 0, *, lookups: bool = True) -> str:
    """A Python expression turning JSON value ``src`` into the property's type (lean: no copies).
    ``lookups=False`` for code outside models.py, which cannot see its private ``_<Enum>_get``."""
    if isinstance(prop, ModelProperty):
        return f"{prop.class_info.name}.from_dict({src})"
    if isinstance(prop, EnumProperty):
        name = prop.class_info.name
        if lookups and src.isidentifier():  # a dict lookup first; the Enum call only for unknown values
            return f"(_{name}_get({src}) or {name}({src}))"
        return f"{name}({src})"
    if isinstance(prop, DateTimeProperty):
        return f"parse_datetime({src})"
    if isinstance(prop, DateProperty):
        return f"parse_date({src})"
    if isinstance(prop, ListProperty):
        var = f"_i{depth}"
        inner = construct(prop.inner_property, var, depth + 1, lookups=lookups)
        return src if inner == var else f"[{inner} for {var} in {src}]"
    if isinstance(prop, UnionProperty):
        branches = [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]
        if all(is_identity(b) for b in branches):
            return src
        nullable = len(branches) != len(prop.inner_properties)
        if len(branches) == 1:
            inner = construct(branches[0], src, depth, lookups=lookups)
            return f"(None if {src} is None else {inner})" if nullable else inner
        parsers = ", ".join(_union_branch(b, depth, lookups) for b in branches)
        return f"parse_union({src}, ({parsers},))"
    return src


_BRANCH_CHECKS: dict[type, str] = {
    ModelProperty: "dict",
    ListProperty: "list",
    DateTimeProperty: "str",
    DateProperty: "str",
    EnumProperty: "str",
}


def _union_branch(prop: Any, depth: int, lookups: bool) -> str:
    """One ``(json type, parser)`` pair of ``parse_union``: the JSON type that selects the branch."""
    for cls, typ in _BRANCH_CHECKS.items():
        if isinstance(prop, cls):
            return f"({typ}, lambda _u: {construct(prop, '_u', depth + 1, lookups=lookups)})"
    return "(object, None)"
