"""``import onstage`` loads no API's endpoint modules, resources or models; a client loads a resource
(its endpoint modules and the model groups they name) on first use; a model import loads its group
only; type checkers and ``dir()`` still see every model name. Each check runs in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from onstage._generated.realtimekit import models as rtk_index
from onstage._generated.tpstreams import models as tp_index
from onstage._generated.webinar import models as wb_index
from tests._mypy import strict

API_LAYERS = ("api", "models", "resources")


def _loaded_after(code: str) -> dict[str, list[str]]:
    """The ``onstage._generated.<api>.<layer>.<module>`` modules loaded after running ``code``, by API."""
    program = textwrap.dedent(code) + textwrap.dedent(
        """
        import json, sys
        found = {}
        for name in sorted(sys.modules):
            parts = name.split(".")
            if name.startswith("onstage._generated.") and len(parts) >= 5:
                found.setdefault(parts[2], []).append(".".join(parts[3:]))
        print(json.dumps(found))
        """
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    loaded: dict[str, list[str]] = json.loads(out.stdout.splitlines()[-1])
    return loaded


def test_import_onstage_and_building_clients_load_no_api() -> None:
    loaded = _loaded_after(
        """
        import onstage
        rtk = onstage.RealtimeKit(account_id="a", app_id="b", api_token="t")
        tp = onstage.TPStreams(organization_id="o", token="t")
        wb = onstage.Webinar(api_key="k")
        """
    )
    assert loaded == {}


def test_first_use_of_a_resource_loads_that_resource_only() -> None:
    loaded = _loaded_after(
        """
        import onstage
        rtk = onstage.RealtimeKit(account_id="a", app_id="b", api_token="t")
        rtk.meetings.participants
        """
    )
    assert set(loaded) == {"realtimekit"}
    modules = loaded["realtimekit"]
    assert "resources.meetings" in modules and "api.meetings" in modules
    assert not [m for m in modules if m.startswith("resources.") and m != "resources.meetings"]
    assert "api.sessions" not in modules and "models._sessions" not in modules
    groups = {m.split(".")[1] for m in modules if m.startswith("models.")}
    assert groups and all("meetings" in g[1:].split("__") or g.startswith("_shared") for g in groups), groups


@pytest.mark.parametrize(
    ("module", "name", "index"),
    [
        ("onstage.realtimekit.models", "Meeting", rtk_index),
        ("onstage.tpstreams.models", "Asset", tp_index),
        ("onstage.webinar.models", "Room", wb_index),
    ],
)
def test_a_model_import_loads_its_group(module: str, name: str, index: object) -> None:
    api = module.split(".")[1]
    where: dict[str, str] = index.WHERE  # type: ignore[attr-defined]
    loaded = _loaded_after(f"from {module} import {name}\nassert {name}.__name__ == {name!r}")
    groups = {m.removeprefix("models.") for m in loaded[api]}
    assert where[name] in groups
    assert groups < set(where.values())  # not every group
    assert not [m for m in loaded[api] if not m.startswith("models.")]


def test_public_models_modules_list_every_name() -> None:
    import onstage.realtimekit.models as public

    assert set(public.__all__) == set(rtk_index.WHERE) and len(public.__all__) > 100
    assert set(public.__all__) <= set(dir(public))
    assert public.Meeting is rtk_index.Meeting
    with pytest.raises(AttributeError, match="no attribute 'Meetin'"):
        public.Meetin
    with pytest.raises(ImportError):
        exec("from onstage.webinar.models import Nope", {})


def test_type_checkers_see_every_model_and_no_fallback(tmp_path: Path) -> None:
    """The lazy modules' ``__getattr__`` is hidden from type checkers: a model is its class, a
    misspelt name an error (not ``Any``)."""
    out = strict(
        tmp_path,
        "from onstage.realtimekit.models import Meeting, Meetin\n"
        "import onstage.tpstreams.models as tm\n"
        "from onstage._generated.webinar.models import Room\n"
        "reveal_type(Meeting)\n"
        "reveal_type(tm.Asset)\n"
        "reveal_type(Room)\n"
        "tm.Assett\n",
    )
    assert 'has no attribute "Meetin"' in out and 'has no attribute "Assett"' in out
    assert 'Revealed type is "def (' in out and "Meeting" in out
    assert out.count("Revealed type is") == 3 and "Any" not in out, out
