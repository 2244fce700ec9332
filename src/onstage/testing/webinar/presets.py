"""The Webinar presets the sandbox seeds, and the check that a new session names one of them.

Where they come from: a session needs a ``preset_id`` (``CreateSessionRequest``, webinar.md §6 and
§8), and the real presets are made in the Tenbyte dashboard or through ``/presets``, which the
published spec does not have (webinar.md §9), so a sandbox cannot create them. It seeds one of each
preset type the Tenbyte changelog names ("Vidinfra Studio and RTMP preset types", webinar.md §2):
``whip`` (Vidinfra Studio, browser ingest) and ``rtmp`` (an external encoder), with the fields of
``PresetResponse`` (webinar.md §7.3). Their ids are the sandbox's own and fixed, the same in every
sandbox and after ``reset()``: ``Sandbox.webinar_preset_ids`` lists them, ``SEEDED_PRESET_IDS`` here.

An unknown ``preset_id`` is refused (``sessions.create_session``) with 422 in the validation shape,
naming the field. The reference gives no status for it (per-operation error codes are not declared,
webinar.md §4); of the two the sandbox answers, 404 ``Resource not found`` is for the resource in
the path (here the room, which exists), while the 422 component ``{"message": "Invalid Request",
"errors": [{"field", "code", "message"}]}`` is the one shape that says which body field names nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._engine.faker import iso_now
from .._engine.world import World

__all__ = ["SEEDED_PRESETS", "SEEDED_PRESET_IDS", "SeededPreset", "seed_presets"]


@dataclass(frozen=True)
class SeededPreset:
    id: str
    name: str
    type: str  # webinar_PresetType: whip | rtmp
    library_id: str
    is_default: bool


SEEDED_PRESETS: tuple[SeededPreset, ...] = (
    SeededPreset(
        id="5eed0001-57d1-4f0a-9b1e-000000000001",
        name="Sandbox Studio preset",
        type="whip",
        library_id="5eed0001-1b0a-4f0a-9b1e-00000000000a",
        is_default=True,
    ),
    SeededPreset(
        id="5eed0002-47a3-4f0a-9b1e-000000000002",
        name="Sandbox RTMP preset",
        type="rtmp",
        library_id="5eed0001-1b0a-4f0a-9b1e-00000000000a",
        is_default=False,
    ),
)
#: The ids of the presets every sandbox has (the first is the default, ``whip``).
SEEDED_PRESET_IDS: tuple[str, ...] = tuple(p.id for p in SEEDED_PRESETS)


def seed_presets(world: World, user_id: str) -> dict[str, dict[str, Any]]:
    """The seeded presets as ``PresetResponse`` objects (every permission on), by id. Takes nothing
    from the seeded random source, so seeding them moves no other id."""
    spec = world.spec
    schema = spec.deref(spec.components["schemas"].get("webinar_Preset", {}))
    switches = {
        name: True
        for name, prop in (schema.get("properties") or {}).items()
        if spec.deref(prop).get("type") == "boolean"
    }
    now = iso_now()
    out: dict[str, dict[str, Any]] = {}
    for seeded in SEEDED_PRESETS:
        out[seeded.id] = {
            **switches,
            "id": seeded.id,
            "user_id": user_id,
            "library_id": seeded.library_id,
            "name": seeded.name,
            "type": seeded.type,
            "max_join_limit": 100,
            "primary_color": "#1f6feb",
            "logo": "",
            "logo_destination_url": "",
            "is_default": seeded.is_default,
            "created_at": now,
            "updated_at": now,
        }
    return out
