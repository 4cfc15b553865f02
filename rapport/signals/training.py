"""Train the learned detectors (`rapport train-signals`) from the development corpus.

Deterministic: a fixed split of the development corpus (seed SEED) into a training part
and a validation part; one logistic regression per kind (liblinear, fixed random_state)
over the n-grams of `learned.features`, fitted on the sentences of the training part; the
strongest weights kept and rounded; then the threshold per kind chosen on the validation
part for the lexicon and model combined. The held-out set is never read here.

A message's label belongs to the message, not to a sentence. Every sentence of a message
without the kind is a negative. In a message with the kind, the sentences the lexicon
finds it in are the positives and the others are left out (they are often greetings or
other kinds); where the lexicon finds it nowhere, every sentence counts as positive. The
model is read per sentence and a message counts when its surest sentence does.
"""

from __future__ import annotations

import random
from pathlib import Path

from rapport.signals import learned
from rapport.signals.detectors import detect_text
from rapport.signals.lexicon import TEXT_KINDS
from rapport.signals.text import own_text

SEED = 17
VALIDATION_SHARE = 0.2
KEEP_WEIGHTS = 2500  # per kind: the file stays reviewable, the table small
C = 4.0
# The combined detector must stay this precise on the validation part.
MIN_PRECISION = 0.95
# 0.5 … 0.975 and 0.99: with the larger corpus several kinds needed the top of a grid that
# ended at 0.95 to stay precise on the validation part.
THRESHOLDS = [round(0.5 + 0.025 * step, 3) for step in range(20)] + [0.99]


def split(rows: list[dict], seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """The training part and the validation part of the development corpus."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(len(rows) * (1 - VALIDATION_SHARE))
    return [rows[i] for i in sorted(order[:cut])], [rows[i] for i in sorted(order[cut:])]


def message_sentences(text: str) -> list[str]:
    own = own_text(text)
    return [own[start:end] for start, end in learned.sentences(own)]


def _fit(rows: list[dict], kind: str) -> tuple[float, dict[str, float]]:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    texts, labels = [], []
    for row in rows:
        found = row["lexicon"]
        if kind not in row["kinds"]:
            texts += found["sentences"]
            labels += [0] * len(found["sentences"])
            continue
        marked = [s for s, kinds in zip(found["sentences"], found["kinds"], strict=True)
                  if kind in kinds]
        chosen = marked or found["sentences"]
        texts += chosen
        labels += [1] * len(chosen)
    vectorizer = CountVectorizer(analyzer=learned.features, min_df=2)
    matrix = vectorizer.fit_transform(texts)
    classifier = LogisticRegression(C=C, solver="liblinear", random_state=0,
                                    class_weight="balanced", max_iter=1000)
    classifier.fit(matrix, labels)
    names = vectorizer.get_feature_names_out()
    pairs = [(float(w), str(n)) for w, n in zip(classifier.coef_[0], names, strict=True)]
    pairs.sort(key=lambda pair: (-abs(pair[0]), pair[1]))
    weights = {name: round(weight, 4) for weight, name in pairs[:KEEP_WEIGHTS]
               if round(weight, 4)}
    return round(float(classifier.intercept_[0]), 4), weights


def _write(folder: Path, kind: str, bias: float, threshold: float,
           weights: dict[str, float], rows: int) -> None:
    lines = [f"# {kind}: logistic regression over sentence n-grams, written by "
             f"`rapport train-signals` (do not edit; rerun it).",
             f"# Trained on {rows} development messages (seed {SEED}); the strongest "
             f"{len(weights)} weights kept.",
             f"{bias:.4f}\t(bias)", f"{threshold:.3f}\t(threshold)"]
    lines += [f"{weight:.4f}\t{name}" for name, weight in sorted(weights.items())]
    learned.model_path(kind, folder).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _with_lexicon(row: dict) -> dict:
    """The row with its sentences and, per sentence, what the lexicons find in it."""
    found = message_sentences(row["text"])
    kinds = [detect_text(s, language=row["language"], use_model=False).kinds for s in found]
    whole = detect_text(row["text"], use_model=False).kinds
    return {**row, "lexicon": {"sentences": found, "kinds": kinds, "message": whole}}


def choose_threshold(validation: list[dict], kind: str, loaded: learned.Models) -> float:
    """The lowest threshold at which lexicon-or-model stays MIN_PRECISION precise on the
    validation part (most recall), else the highest one tried."""
    cases = []
    for row in validation:
        lexicon_hit = kind in row["lexicon"]["message"]
        best = max((learned.score(s, loaded)[kind] for s in row["lexicon"]["sentences"]),
                   default=0.0)
        cases.append((kind in row["kinds"], lexicon_hit, best))
    for threshold in THRESHOLDS:
        tp = sum(1 for label, lex, p in cases if label and (lex or p >= threshold))
        fp = sum(1 for label, lex, p in cases if not label and (lex or p >= threshold))
        if tp + fp and tp / (tp + fp) >= MIN_PRECISION:
            return threshold
    return THRESHOLDS[-1]


def train(rows: list[dict], folder: Path = learned.MODEL_DIR,
          kinds: tuple[str, ...] = TEXT_KINDS) -> dict[str, float]:
    """Write one model file per kind into `folder`; returns the thresholds chosen.
    Each kind is trained and thresholded on its own, so `kinds` may be a subset."""
    folder.mkdir(parents=True, exist_ok=True)
    training, validation = split([_with_lexicon(row) for row in rows])
    fitted = {kind: _fit(training, kind) for kind in kinds}
    for kind, (bias, weights) in fitted.items():
        _write(folder, kind, bias, 0.5, weights, len(training))
    learned.models.cache_clear()
    loaded = learned.models(folder)
    assert loaded is not None
    thresholds = {kind: choose_threshold(validation, kind, loaded) for kind in kinds}
    for kind, (bias, weights) in fitted.items():
        _write(folder, kind, bias, thresholds[kind], weights, len(training))
    learned.models.cache_clear()
    return thresholds
