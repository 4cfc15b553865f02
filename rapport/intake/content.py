"""The shipped questionnaire and decline letter, one JSON file per language.

They are content a freelancer may reword, not interface text, so they live in
`data/questionnaire.<language>.json`; a workspace gets its own editable copy of the
questions the first time it needs them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from rapport.core.choices import Language
from rapport.core.models import Workspace
from rapport.intake.models import Question

DATA = Path(__file__).resolve().parent / "data"



@cache
def shipped(language: str) -> dict[str, Any]:
    if language not in Language.values:
        language = Language.ENGLISH
    return json.loads((DATA / f"questionnaire.{language}.json").read_text(encoding="utf-8"))


def choices(language: str, key: str) -> list[tuple[str, str]]:
    return list(shipped(language)["choices"][key].items())


def choice_label(language: str, key: str, value: str) -> str:
    return shipped(language)["choices"].get(key, {}).get(value, value)


def label(language: str, name: str) -> str:
    return shipped(language)["labels"][name]


def ensure_questions(workspace: Workspace, language: str) -> None:
    """Give the workspace the shipped questions in `language` unless it has them already.

    Questions shipped later are appended after the user's own order.
    """
    existing = Question.objects.filter(workspace=workspace, language=language)
    have = set(existing.exclude(key="").values_list("key", flat=True))
    missing = [item for item in shipped(language)["questions"] if item["key"] not in have]
    if not missing:
        return
    last = max(existing.values_list("position", flat=True), default=0)
    for item in missing:
        last += 10
        Question.objects.get_or_create(
            workspace=workspace, language=language, key=item["key"],
            defaults={"text": item["text"], "help_text": item.get("help", ""),
                      "position": last},
        )


def decline_letter(language: str, *, name: str, reason: str, sender: str) -> dict[str, str]:
    letter = shipped(language)["decline"]
    reason = reason.strip() or "—"
    return {
        "subject": letter["subject"],
        "body": letter["body"].format(name=name, reason=reason, sender=sender),
    }


def invitation(language: str, *, name: str, url: str, until: str, sender: str) -> dict[str, str]:
    letter = shipped(language)["invite"]
    return {"subject": letter["subject"],
            "body": letter["body"].format(name=name, url=url, date=until, sender=sender)}
