"""Precision and recall of the text detectors on the labelled corpus (data/corpus.jsonl)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from rapport.signals.detectors import detect_text
from rapport.signals.lexicon import DATA, TEXT_KINDS

CORPUS = DATA / "corpus.jsonl"
# Written by an author who never saw the lexicons, and never used for tuning: the honest
# figure for wording nobody anticipated (see data/README.txt).
HOLDOUT = DATA / "holdout.jsonl"


def load_corpus(path: Path = CORPUS) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            unknown = set(row["kinds"]) - set(TEXT_KINDS)
            if unknown or row["language"] not in ("de", "en"):
                raise ValueError(f"{path.name}:{number}: unknown kind or language")
            rows.append(row)
    return rows


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


def evaluate(rows: list[dict] | None = None) -> dict:
    """Per kind and language: tp, fp, fn, precision, recall; plus the language guess."""
    rows = load_corpus() if rows is None else rows
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(
        lambda: {"tp": 0, "fp": 0, "fn": 0})
    language_right = 0
    errors = []
    for row in rows:
        result = detect_text(row["text"])
        language_right += result.language == row["language"]
        expected, found = set(row["kinds"]), result.kinds
        for kind in TEXT_KINDS:
            for scope in (row["language"], "all"):
                cell = counts[(kind, scope)]
                if kind in expected and kind in found:
                    cell["tp"] += 1
                elif kind in found:
                    cell["fp"] += 1
                elif kind in expected:
                    cell["fn"] += 1
        if expected != found:
            errors.append({"text": row["text"][:160], "expected": sorted(expected),
                           "found": sorted(found)})
    report: dict = {"messages": len(rows),
                    "language_accuracy": _ratio(language_right, len(rows)), "kinds": {}}
    for kind in TEXT_KINDS:
        report["kinds"][kind] = {}
        for scope in ("de", "en", "all"):
            cell = counts[(kind, scope)]
            report["kinds"][kind][scope] = {
                **cell,
                "precision": _ratio(cell["tp"], cell["tp"] + cell["fp"]),
                "recall": _ratio(cell["tp"], cell["tp"] + cell["fn"]),
            }
    report["errors"] = errors
    return report
