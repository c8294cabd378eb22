"""The standard checklist template (resources/checklist-template.json): texts by language."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from data.paths import resource


@dataclass(frozen=True)
class ChecklistText:
    sections: dict[str, tuple[str, str]]  # code -> (Chinese title, English title)
    questions: dict[str, tuple[str, str]]  # item code -> (Chinese, English)
    expected: dict[str, str]  # item code -> healthy answer or answer kind
    section_order: tuple[str, ...]


@lru_cache(maxsize=1)
def checklist_text() -> ChecklistText:
    raw = json.loads(resource("checklist-template.json").read_text("utf-8"))
    return ChecklistText(
        sections={s["code"]: (s["title"], s["title_en"]) for s in raw["sections"]},
        questions={i["code"]: (i["question"], i["question_en"]) for i in raw["items"]},
        expected={i["code"]: i["answer"] for i in raw["items"]},
        section_order=tuple(s["code"] for s in raw["sections"]),
    )
