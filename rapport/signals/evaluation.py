"""Precision and recall of the text detectors on the labelled corpora, with 95 % Wilson
confidence intervals, for the lexicons alone, the learned model alone and both combined
(what the product uses)."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

from rapport.signals.detectors import detect_text
from rapport.signals.lexicon import DATA, TEXT_KINDS
from rapport.signals.training import split

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


def wilson(successes: int, total: int, z: float = 1.96) -> list[float] | None:
    """The 95 % Wilson score interval of a proportion (sound for small counts and for
    proportions near 0 or 1, unlike the normal approximation)."""
    if not total:
        return None
    share = successes / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    margin = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) \
        / denominator
    return [round(max(0.0, centre - margin), 3), round(min(1.0, centre + margin), 3)]


MODES = ("combined", "lexicon", "model")


def _cell(counts: dict[str, int]) -> dict:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return {**counts, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn),
            "precision_ci": wilson(tp, tp + fp), "recall_ci": wilson(tp, tp + fn)}


def evaluate(rows: list[dict] | None = None) -> dict:
    """Per kind and language: tp, fp, fn, precision and recall with their 95 % intervals
    for the combined detector, and the same under "lexicon" and "model" for each alone;
    plus the language guess."""
    rows = load_corpus() if rows is None else rows
    counts: dict[tuple[str, str, str], dict[str, int]] = defaultdict(
        lambda: {"tp": 0, "fp": 0, "fn": 0})
    language_right = 0
    errors = []
    for row in rows:
        result = detect_text(row["text"])
        language_right += result.language == row["language"]
        expected = set(row["kinds"])
        found = {"combined": result.kinds,
                 "lexicon": detect_text(row["text"], use_model=False).kinds,
                 "model": detect_text(row["text"], use_lexicon=False).kinds}
        for mode, kinds in found.items():
            for kind in TEXT_KINDS:
                for scope in (row["language"], "all"):
                    cell = counts[(mode, kind, scope)]
                    if kind in expected and kind in kinds:
                        cell["tp"] += 1
                    elif kind in kinds:
                        cell["fp"] += 1
                    elif kind in expected:
                        cell["fn"] += 1
        if expected != result.kinds:
            errors.append({"text": row["text"][:160], "expected": sorted(expected),
                           "found": sorted(result.kinds)})
    report: dict = {"messages": len(rows),
                    "language_accuracy": _ratio(language_right, len(rows)), "kinds": {}}
    for kind in TEXT_KINDS:
        report["kinds"][kind] = {}
        for scope in ("de", "en", "all"):
            report["kinds"][kind][scope] = {
                **_cell(counts[("combined", kind, scope)]),
                "lexicon": _cell(counts[("lexicon", kind, scope)]),
                "model": _cell(counts[("model", kind, scope)]),
            }
    report["errors"] = errors
    return report


def validation_rows() -> list[dict]:
    """The development corpus's validation part: the model was not trained on it (its
    thresholds were chosen on it; the lexicons were tuned on the whole corpus)."""
    return split(load_corpus(CORPUS))[1]


def cross_validated(rows: list[dict]) -> dict:
    """The development corpus cross-validated (`training.cross_validate`): per kind and
    language tp, fp, fn, precision and recall with their 95 % intervals, for lexicon or
    model, each message judged by a model that never saw it."""
    from rapport.signals.training import FOLDS, cross_validate

    counts = cross_validate(rows)
    report: dict = {"messages": len(rows), "folds": FOLDS, "kinds": {}}
    for kind in TEXT_KINDS:
        both = {key: counts[(kind, "de")][key] + counts[(kind, "en")][key]
                for key in ("tp", "fp", "fn")}
        report["kinds"][kind] = {"de": _cell(counts[(kind, "de")]),
                                 "en": _cell(counts[(kind, "en")]), "all": _cell(both)}
    return report
