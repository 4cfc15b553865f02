"""Text detectors per message: the lexicons alone (as before the learned model) against
lexicons and model combined, over the labelled corpora (realistic mail, quotes and
signatures included). CPU time, best of five rounds, so a busy machine skews it less."""

from __future__ import annotations

import time

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
