"""The standard post-loan checklist as the demo generator needs it.

The template is read from ``resources/checklist-template.json`` (the same file the
workstation validates against), so generated bundles always cover what it requires.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from data.demo.places import resources_dir

KINDS = ("FIRST", "ROUTINE", "FOCUSED", "SPECIAL")
#: The order a client manager takes photos in: the shop front on arrival, the meeting last.
PHOTO_ORDER = (
    "STOREFRONT",
    "PREMISES",
    "EQUIPMENT",
    "INVENTORY",
    "COLLATERAL",
    "DOCUMENT",
    "OTHER",
    "MEETING",
)


@dataclass(frozen=True)
class TemplateItem:
    """One checklist item: ``answer`` is YES/NO (the healthy answer) or NUMBER; ``photo``
    the category the app asks for with it; ``required`` the kinds that must include it."""

    code: str
    answer: str
    photo: str | None
    required: frozenset[str]


def load_template(path: Path | None = None) -> tuple[TemplateItem, ...]:
    path = path or resources_dir() / "checklist-template.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        TemplateItem(
            code=item["code"],
            answer=item["answer"],
            photo=item.get("photo"),
            required=frozenset(item.get("required", ())),
        )
        for item in raw["items"]
    )
