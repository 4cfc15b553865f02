"""The workspace's example memory: the sentences its user judged, applied to new text.

No database access here (the caller loads the examples once per run): a sentence very
similar to one the user called "not a red flag" no longer fires for that kind; a sentence
very similar to one the user marked as a warning sign fires, explained by that example.
Similarity is the Jaccard overlap of character trigrams of the normalised sentences, so
"Das ist uns zu teuer" and "das ist mir viel zu teuer!" match, unrelated sentences with a
shared word do not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rapport.signals.detectors import MAX_ANALYSED_CHARS, Hit, TextResult
from rapport.signals.text import own_text, sentence_bounds

# Chosen on the development corpus: no sentence marked in the simulated corrections
# (rapport.signals.feedback_eval) comes within 0.28 of any sentence of a development
# message without its kind; 0.35 leaves a margin.
SIMILARITY = 0.35
TAUGHT_STRENGTH = Decimal("0.80")
_NON_WORD = re.compile(r"[\W\d_]+", re.UNICODE)
_SENTENCE = re.compile(r"[^.!?;\n]+")
_MIN_WORDS = 2


def normalise(text: str) -> str:
    """Lower case, accents kept (German umlauts matter), punctuation and digits gone."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


def trigrams(normalised: str) -> frozenset[str]:
    padded = f" {normalised} "
    return frozenset(padded[i:i + 3] for i in range(len(padded) - 2))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Example:
    kind: str
    positive: bool
    text: str
    grams: frozenset[str]

    @classmethod
    def of(cls, kind: str, positive: bool, text: str, normalised: str = "") -> Example:
        return cls(kind, positive, text, trigrams(normalised or normalise(text)))


def sentences(text: str) -> Iterable[tuple[int, int]]:
    """(start, end) of every sentence with at least two words, whitespace trimmed."""
    for found in _SENTENCE.finditer(text):
        chunk = found.group()
        if len(chunk.split()) < _MIN_WORDS:
            continue
        start = found.start() + len(chunk) - len(chunk.lstrip())
        yield start, found.end() - (len(chunk) - len(chunk.rstrip()))


class ExampleMemory:
    """The judged sentences of one workspace, by kind."""

    def __init__(self, examples: Iterable[Example]) -> None:
        self.positive: dict[str, list[Example]] = {}
        self.negative: dict[str, list[Example]] = {}
        for example in examples:
            side = self.positive if example.positive else self.negative
            side.setdefault(example.kind, []).append(example)

    def __bool__(self) -> bool:
        return bool(self.positive or self.negative)

    @staticmethod
    def _closest(grams: frozenset[str], examples: list[Example]) -> Example | None:
        best, score = None, SIMILARITY
        for example in examples:
            value = similarity(grams, example.grams)
            if value >= score:
                best, score = example, value
        return best

    def dismissed(self, kind: str, sentence: str) -> bool:
        return self._closest(trigrams(normalise(sentence)),
                             self.negative.get(kind, [])) is not None

    def adjust(self, body: str, result: TextResult) -> tuple[TextResult, dict[str, Example]]:
        """The detectors' result corrected by the examples, and for every kind found
        only through an example, that example (the explanation)."""
        if not self:
            return result, {}
        body = (body or "")[:MAX_ANALYSED_CHARS]
        text = own_text(body)
        kept = []
        for hit in result.hits:
            start, end = sentence_bounds(text, hit.start) if hit.start >= 0 else (0, 0)
            if not self.dismissed(hit.kind, text[start:end] or hit.evidence):
                kept.append(hit)
        found = {hit.kind for hit in kept}
        taught: dict[str, Example] = {}
        wanted = [kind for kind in self.positive if kind not in found]
        if wanted:
            for start, end in sentences(text):
                grams = trigrams(normalise(text[start:end]))
                for kind in [k for k in wanted if k not in taught]:
                    example = self._closest(grams, self.positive[kind])
                    if example and not self._closest(grams, self.negative.get(kind, [])):
                        taught[kind] = example
                        kept.append(Hit(kind, TAUGHT_STRENGTH, start, end, body[start:end]))
        return TextResult(result.language, kept), taught
