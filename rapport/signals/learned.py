"""The learned opinion next to the lexicons: one linear model per text kind over the
character and word n-grams of a sentence.

The weights live in `data/model/<kind>.tsv` (one "weight<TAB>n-gram" line each, plus the
bias and the probability threshold), written by `rapport train-signals` from the
development corpus and reproduced bit for bit by it. Scoring needs no library: the
n-grams are looked up in one table shared by all kinds, so a message is read once,
whatever the number of kinds, and a word's n-grams are summed once per process.
`features()` is the same function the training hands to scikit-learn, so training and
scoring see exactly the same n-grams.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rapport.signals.lexicon import DATA, TEXT_KINDS

MODEL_DIR = DATA / "model"
WORD = _WORD = re.compile(r"[^\W_]+", re.UNICODE)
_DIGIT = re.compile(r"\d")
_SENTENCE = re.compile(r"[^.!?;\n]+")
# Shorter fragments ("Hi Lena,", "Thanks!") carry no opinion worth a model's guess.
MIN_WORDS = 3
# A sentence longer than this is read only up to here (a pasted log is not a sentence).
MAX_SENTENCE_CHARS = 600


def _words(text: str) -> list[str]:
    return _WORD.findall(_DIGIT.sub("0", text.lower()))


def word_features(word: str) -> list[str]:
    """The character n-grams (2 to 5) of one word padded with `_` at both ends."""
    padded = f"_{word}_"
    return [f"c:{padded[i:i + n]}" for n in range(2, 6) for i in range(len(padded) - n + 1)]


def features(sentence: str) -> list[str]:
    """Per distinct word: the word and its character n-grams; then each distinct word
    pair. An n-gram two different words share is counted twice, so a sentence's score is
    the sum of its words' scores (cached per word) and its word pairs'."""
    words = _words(sentence[:MAX_SENTENCE_CHARS])
    found = []
    for word in sorted(set(words)):
        found.append(f"w:{word}")
        found += sorted(set(word_features(word)))
    found += sorted({f"w:{a} {b}" for a, b in zip(words, words[1:], strict=False)})
    return found


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans of the sentences in `text` worth scoring (at least MIN_WORDS words)."""
    spans = []
    for match in _SENTENCE.finditer(text):
        if len(_WORD.findall(match.group())) >= MIN_WORDS:
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            spans.append((start, match.start() + len(match.group().rstrip())))
    return spans


@dataclass(frozen=True)
class KindModel:
    kind: str
    bias: float
    threshold: float
    weights: dict[str, float]


def model_path(kind: str, folder: Path = MODEL_DIR) -> Path:
    return folder / f"{kind}.tsv"


def read_model(path: Path, kind: str) -> KindModel:
    bias = threshold = None
    weights: dict[str, float] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        value, sep, name = line.partition("\t")
        if not sep:
            raise ValueError(f"{path.name}:{number}: expected 'weight<TAB>n-gram'")
        if name == "(bias)":
            bias = float(value)
        elif name == "(threshold)":
            threshold = float(value)
        else:
            weights[name] = float(value)
    if bias is None or threshold is None:
        raise ValueError(f"{path.name}: bias or threshold missing")
    return KindModel(kind, bias, threshold, weights)


@dataclass(frozen=True)
class Models:
    kinds: tuple[str, ...]
    biases: tuple[float, ...]
    thresholds: dict[str, float]
    # n-gram -> ((kind index, weight), ...): one lookup per n-gram for all kinds
    table: dict[str, tuple[tuple[int, float], ...]]
    # word -> its summed weight per kind (the word and its character n-grams)
    words: dict[str, tuple[float, ...]] = field(default_factory=dict)

    def word_weights(self, word: str) -> tuple[float, ...]:
        cached = self.words.get(word)
        if cached is None:
            totals = [0.0] * len(self.kinds)
            for name in [f"w:{word}", *set(word_features(word))]:
                for index, weight in self.table.get(name, ()):
                    totals[index] += weight
            if len(self.words) > _MAX_CACHED_WORDS:
                self.words.clear()
            cached = self.words[word] = tuple(totals)
        return cached


_MAX_CACHED_WORDS = 200_000


@cache
def models(folder: Path = MODEL_DIR) -> Models | None:
    """All kinds' models, loaded once per process; None when none is installed."""
    loaded = [read_model(model_path(kind, folder), kind) for kind in TEXT_KINDS
              if model_path(kind, folder).exists()]
    if not loaded:
        return None
    table: dict[str, list[tuple[int, float]]] = {}
    for index, model in enumerate(loaded):
        for name, weight in model.weights.items():
            table.setdefault(name, []).append((index, weight))
    return Models(tuple(m.kind for m in loaded), tuple(m.bias for m in loaded),
                  {m.kind: m.threshold for m in loaded},
                  {name: tuple(entries) for name, entries in table.items()})


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, value))))


def score(sentence: str, loaded: Models) -> dict[str, float]:
    """The probability of each kind for one sentence."""
    totals = list(loaded.biases)
    words = _words(sentence[:MAX_SENTENCE_CHARS])
    cache = loaded.words
    for word in set(words):
        totals = [a + b for a, b in zip(totals, cache.get(word) or loaded.word_weights(word),
                                        strict=True)]
    table = loaded.table
    for pair in {f"w:{a} {b}" for a, b in zip(words, words[1:], strict=False)}:
        for index, weight in table.get(pair, ()):
            totals[index] += weight
    return {kind: _sigmoid(total) for kind, total in zip(loaded.kinds, totals, strict=True)}


def weightiest_words(sentence: str, kind: str, loaded: Models, count: int = 3,
                     skip: frozenset[str] = frozenset()) -> list[str]:
    """The words of the sentence that pushed most towards `kind`: each word's own weight,
    its character n-grams' and half of each word pair it is part of. Words in `skip`
    (function words: "I", "the", "und") and words under three letters are not named."""
    index = loaded.kinds.index(kind)
    table = loaded.table

    def weight(name: str) -> float:
        return sum(w for i, w in table.get(name, ()) if i == index)

    sentence = sentence[:MAX_SENTENCE_CHARS]
    lowered = _DIGIT.sub("0", sentence.lower())
    matches = list(_WORD.finditer(lowered))
    words = [match.group() for match in matches]
    originals = _WORD.findall(sentence)
    if len(originals) != len(words):  # lower-casing split a word ("İ"): show it lowered
        originals = words
    # "don" of "don't", "haven" of "haven't": half words are not named
    clipped = {i for i, match in enumerate(matches) if lowered[match.end():match.end() + 1]
               in ("'", "’")}
    scores: dict[str, float] = {}
    shown: dict[str, str] = {}
    for position, word in enumerate(words):
        value = loaded.word_weights(word)[index]
        if position:
            value += weight(f"w:{words[position - 1]} {word}") / 2
        if position + 1 < len(words):
            value += weight(f"w:{word} {words[position + 1]}") / 2
        if len(word) < 3 or word in skip or position in clipped:
            continue
        if value > scores.get(word, 0.0):
            scores[word] = value
            shown[word] = originals[position]
    best = sorted((w for w in scores if scores[w] > 0), key=lambda w: (-scores[w], w))
    return [shown[word] for word in best[:count]]
