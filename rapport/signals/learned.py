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
# A full stop between digits ("2.500 €", "12.03.2026", "v2.1") ends no sentence.
_SENTENCE = re.compile(r"(?:[^.!?;\n]|(?<=\d)\.(?=\d))+")
# Shorter fragments ("Hi Lena,", "Thanks!") carry no opinion worth a model's guess.
MIN_WORDS = 3
# A sentence longer than this is read only up to here (a pasted log is not a sentence).
MAX_SENTENCE_CHARS = 600

# Numbers are read as their class, not their digits: "2.500 €", "$3,000" and "CHF 400"
# are all `xmoney`, so the model learns the words around an amount ("only", "max",
# "cheaper") rather than the amount, and "twelve percent above plan" with digits reads
# like "10 % off" only as far as the words agree.
_NUMBER = r"\d+(?:[.,'’ ]\d{3})*(?:[.,]\d+)?"
_CURRENCY = (r"(?:€|\$|£|eur(?:o|os)?|usd|chf|gbp|sfr|fr\.|franken|dollars?|bucks|"
             r"pounds?|rupees?|inr|rs\.?|aud|r\$)")
_TOKEN = re.compile(
    rf"(?P<xmoney>{_CURRENCY}\s?{_NUMBER}(?:\s?(?:k|tsd|mio|m)\b)?"
    rf"|{_NUMBER}\s?(?:k|tsd\.?|mio\.?|m)?\s?(?:,-|\.-|,--)?\s?{_CURRENCY}(?![^\W\d_])"
    rf"|{_NUMBER}\s?k\b)"
    rf"|(?P<xpercent>{_NUMBER}\s?(?:%|prozent\b|percent\b|per cent\b))"
    r"|(?P<xdate>\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.(?:\d{2,4})?|\d{1,2}/\d{1,2}(?:/\d{2,4})?)"
    r"|(?P<xtime>\d{1,2}[:.]\d{2}\s?(?:uhr\b|h\b|am\b|pm\b)|\d{1,2}:\d{2}|\d{1,2}\s?(?:uhr|am|pm)\b)"
    r"|(?P<xyear>(?:19|20)\d{2}\b)"
    rf"|(?P<xnumber>{_NUMBER}(?:st|nd|rd|th|er|en|x)?\b)"
    r"|[^\W_]+", re.IGNORECASE)
CLASS_TOKENS = frozenset({"xmoney", "xpercent", "xdate", "xtime", "xyear", "xnumber"})


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """The words of `text` lower-cased, and each number as its class: (token, the text it
    stands for, where that starts)."""
    if not _DIGIT.search(text):
        return [(m.group().lower(), m.group(), m.start()) for m in _WORD.finditer(text)]
    found = []
    for match in _TOKEN.finditer(text):
        token = match.lastgroup or _DIGIT.sub("0", match.group().lower())
        found.append((token, match.group(), match.start()))
    return found


def _words(text: str) -> list[str]:
    return [token for token, _surface, _start in _tokens(text)]


def word_features(word: str) -> list[str]:
    """The character n-grams (2 to 5) of one word padded with `_` at both ends (none for a
    number's class: it is one token)."""
    if word in CLASS_TOKENS:
        return []
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
        """The word's summed weight per kind, and last how many n-grams it has."""
        cached = self.words.get(word)
        if cached is None:
            totals = [0.0] * (len(self.kinds) + 1)
            names = [f"w:{word}", *set(word_features(word))]
            for name in names:
                for index, weight in self.table.get(name, ()):
                    totals[index] += weight
            totals[-1] = len(names)
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
    """The probability of each kind for one sentence: the bias plus the weights of its
    n-grams divided by the square root of how many it has (`length_scale`)."""
    words = _words(sentence[:MAX_SENTENCE_CHARS])
    cache = loaded.words
    totals = [0.0] * (len(loaded.kinds) + 1)
    for word in set(words):
        totals = [a + b for a, b in zip(totals, cache.get(word) or loaded.word_weights(word),
                                        strict=True)]
    table = loaded.table
    pairs = {f"w:{a} {b}" for a, b in zip(words, words[1:], strict=False)}
    for pair in pairs:
        for index, weight in table.get(pair, ()):
            totals[index] += weight
    scale = length_scale(int(totals.pop()) + len(pairs))
    return {kind: _sigmoid(bias + total * scale)
            for kind, bias, total in zip(loaded.kinds, loaded.biases, totals, strict=True)}


def length_scale(count: int) -> float:
    """How much each n-gram of a sentence with `count` n-grams counts: 1/√count. Without
    it a long sentence piles up weight whatever it says, and a short one with a single
    telling phrase hardly counts; the training scales its rows the same way."""
    return 1.0 / math.sqrt(max(1, count))


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
    tokens = _tokens(sentence)
    words = [token for token, _surface, _start in tokens]
    originals = [surface for _token, surface, _start in tokens]
    # "don" of "don't", "haven" of "haven't": half words are not named, nor amounts
    clipped = {i for i, (token, surface, start) in enumerate(tokens)
               if token in CLASS_TOKENS
               or sentence[start + len(surface):start + len(surface) + 1] in ("'", "’")}
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
