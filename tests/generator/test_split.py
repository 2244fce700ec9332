"""The models split (scripts/codegen/split.py): each model goes to the group of the tags that reach
it, groups import only groups that more tags reach (so never each other), and the modules that use
models import them by name from their groups."""

from __future__ import annotations

import ast
import textwrap

import pytest

from scripts.codegen.split import OTHER, PLACEHOLDER, index_module, resolve_model_imports, split_models

MODELS = textwrap.dedent(
    """
    from __future__ import annotations

    from typing import cast


    class Color(str):
        RED = "red"


    _Color_get = cast("dict[str, Color]", {})


    class A:
        b: B
        color: Color


    class B:
        pass


    class C:
        a: A
    """
)


def test_groups_follow_the_tags_that_reach_each_model() -> None:
    split = split_models(MODELS, {"x": {"A"}, "y": {"B"}})
    assert split.where == {"A": "_x", "Color": "_x", "B": "_x__y", "C": OTHER}
    assert split.modules["_x__y"].startswith('"""Models reached by: x, y."""')
    assert split.modules[OTHER].startswith('"""Models reached by: no operation')
    x = split.modules["_x"]
    assert "from ._x__y import B\n" in x and "_Color_get = cast" in x  # an enum's helper stays beside it
    assert "from ._x import" not in split.modules["_x__y"]  # no group imports one fewer tags reach
    assert "from ._x import A\n" in split.modules[OTHER]
    for text in split.modules.values():
        ast.parse(text)


def test_modules_import_the_models_they_name_from_their_groups() -> None:
    split = split_models(MODELS, {"x": {"A"}, "y": {"B"}})
    source = f"{PLACEHOLDER}\n\ndef f(d: object) -> A | None:\n    return B()\n"
    out = resolve_model_imports(source, split)
    assert "from ..models._x import A\nfrom ..models._x__y import B\n" in out
    with pytest.raises(ValueError, match="placeholder"):
        resolve_model_imports("x = 1\n", split)


def test_index_lists_every_name_with_its_group() -> None:
    split = split_models(MODELS, {"x": {"A"}})
    tree = ast.parse(index_module("demo", split))
    values = {
        node.targets[0].id if isinstance(node, ast.Assign) else node.target.id: node.value  # type: ignore[union-attr]
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None
    }
    assert ast.literal_eval(values["__all__"]) == ["A", "B", "C", "Color"]
    assert ast.literal_eval(values["WHERE"]) == split.where
    reexported = {
        alias.name: node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 1
        for alias in node.names
    }
    assert reexported == split.where  # each name re-exported for type checkers from its group


def test_an_enums_helper_is_imported_where_it_is_used_and_many_tags_share_a_hashed_group() -> None:
    source = MODELS + textwrap.dedent(
        """

        class D:
            def color(self) -> Color:
                return _Color_get("red")
        """
    )
    split = split_models(source, {"x": {"A"}, "z": {"D"}, "p": {"B"}, "q": {"B"}, "r": {"B"}})
    assert split.where["D"] == "_z" and split.where["Color"] == "_x__z"
    assert "from ._x__z import Color, _Color_get\n" in split.modules["_z"]
    assert "_Color_get" not in split.modules["_x"]  # A names the enum, not its helper
    assert split.where["B"].startswith("_shared_")  # four tags: p, q, r and x (through A)
