"""Text detectors per message: the lexicons alone (as before the learned model) against
lexicons and model combined, over the labelled corpora (realistic mail, quotes and
signatures included), and `rapport analyze` per message on a generated mbox. CPU time,
best of several rounds, so a busy machine skews it less."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

ROUNDS = 5


def _best_us_per_message(texts: list[str], **options: bool) -> float:
    from rapport.signals.detectors import detect_text

    best = float("inf")
    for _round in range(ROUNDS):
        started = time.process_time()
        for text in texts:
            detect_text(text, **options)
        best = min(best, time.process_time() - started)
    return best / len(texts) * 1e6


def bench_detectors() -> list[dict[str, object]]:
    from run import _django

    _django()
    from rapport.signals.detectors import detect_text
    from rapport.signals.evaluation import CORPUS, HOLDOUT, load_corpus

    texts = [row["text"] for row in load_corpus(CORPUS) + load_corpus(HOLDOUT)]
    detect_text(texts[0])  # load lexicons and model once, as a process does
    lexicons = _best_us_per_message(texts, use_model=False)
    combined = _best_us_per_message(texts)
    return [
        {"name": "text_detectors_lexicons", "messages": len(texts),
         "value": round(lexicons), "unit": "µs CPU per message (lexicons alone)"},
        {"name": "text_detectors_combined", "messages": len(texts),
         "value": round(combined), "unit": "µs CPU per message (lexicons + learned model)",
         "ratio_to_lexicons": round(combined / lexicons, 2)},
    ]


ANALYZE_MESSAGES = int(os.environ.get("BENCH_ANALYZE_MESSAGES", "2000"))


def _analyze_us_per_message(path: Path, rounds: int = 3) -> float:
    from django.core.management import call_command

    best = float("inf")
    for _round in range(rounds):
        started = time.process_time()
        call_command("analyze", str(path), stdout=io.StringIO())
        best = min(best, time.process_time() - started)
    return best / ANALYZE_MESSAGES * 1e6


def bench_analyze() -> list[dict[str, object]]:
    """`rapport analyze` with and without the learned model (RAPPORT_SIGNALS_MODEL)."""
    from run import _TMP, _django, write_mbox

    _django()
    from django.test import override_settings

    path = Path(_TMP.name) / "analyze.mbox"
    write_mbox(path, ANALYZE_MESSAGES, seed=11)
    with override_settings(RAPPORT_SIGNALS_MODEL=False):
        lexicons = _analyze_us_per_message(path)
    combined = _analyze_us_per_message(path)
    return [{"name": "analyze_per_message", "messages": ANALYZE_MESSAGES,
             "value": round(combined), "unit": "µs CPU per message (lexicons + model)",
             "lexicons_alone": round(lexicons),
             "ratio_to_lexicons": round(combined / lexicons, 2)}]
