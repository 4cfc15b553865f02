"""The message detectors: pure functions over text and timestamps, no database.

Text detectors read the lexicons in `data/` (see data/README.txt); the metadata
detectors compare a message's time with the office hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from rapport.signals.lexicon import TEXT_KINDS, lexicon, message_words
from rapport.signals.text import detect_language, own_text, preceding_words, sentence_bounds

THRESHOLD = 0.5
# One message's text is read up to here: a 200 MB mail must not take minutes and
# gigabytes (the import notes on such a message that only its beginning was checked).
MAX_ANALYSED_CHARS = 200_000
NIGHT_START = dt.time(22, 0)
NIGHT_END = dt.time(6, 0)


@dataclass(frozen=True)
class Hit:
    kind: str
    strength: Decimal
    start: int
    end: int
    evidence: str


@dataclass(frozen=True)
class TextResult:
    language: str
    hits: list[Hit]

    @property
    def kinds(self) -> set[str]:
        return {hit.kind for hit in self.hits}


def _negated(text: str, start: int, negations: frozenset[str]) -> bool:
    return any(word in negations or word.endswith("n't")
               for word in preceding_words(text, start))


def _strength(weights: list[float]) -> Decimal:
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - weight
    return Decimal(str(round(min(1.0, 1.0 - remaining), 2)))


def detect_text(body: str, language: str | None = None, default_language: str = "en"
                ) -> TextResult:
    """Every text kind found in the client's own words: one hit per kind, the strongest
    span as evidence, the strength combined over all matching patterns."""
    body = (body or "")[:MAX_ANALYSED_CHARS]
    text = own_text(body)
    if not language:
        # The own words first; a two-word answer borrows the language of the whole mail.
        language = detect_language(text, "")
        language = language or detect_language(body or "", default_language)
    lex = lexicon(language if language in ("de", "en") else "en")
    words = message_words(text)
    present = words.stems if words else None
    hits: list[Hit] = []
    for kind in TEXT_KINDS:
        found: list[tuple[float, int, int]] = []
        suppressed: dict[int, bool] = {}  # per sentence start: checked once, not per hit
        for pattern in lex.patterns[kind]:
            if present is not None and pattern.stems is not None and \
                    pattern.stems.isdisjoint(present):
                continue  # cannot match: a word every match contains is missing
            for match in pattern.finditer(text, words):
                if match.end() == match.start():
                    continue
                if _negated(text, match.start(), lex.negations):
                    continue
                s_start, s_end = sentence_bounds(text, match.start())
                if s_start not in suppressed:
                    suppressed[s_start] = any(sup.search(text, s_start, s_end)
                                              for sup in lex.suppressors[kind])
                if suppressed[s_start]:
                    continue
                found.append((pattern.weight, match.start(), match.end()))
        if not found:
            continue
        strength = _strength([weight for weight, _s, _e in found])
        if strength < Decimal(str(THRESHOLD)):
            continue
        weight, start, end = max(found, key=lambda item: (item[0], -item[1]))
        hits.append(Hit(kind, strength, start, end, body[start:end]))
    return TextResult(language, hits)


def detect_time(moment: dt.datetime, is_office_time: Callable[[dt.datetime], bool],
                tz: ZoneInfo) -> list[Hit]:
    """`after_hours` outside office hours (weekends and public holidays included) and
    additionally `late_night` between 22:00 and 06:00 local time."""
    if is_office_time(moment):
        return []
    local = moment.astimezone(tz)
    weekend = local.weekday() >= 5
    hits = [Hit("after_hours", Decimal("0.60") if weekend else Decimal("0.50"), -1, -1,
                local.strftime("%a %Y-%m-%d %H:%M"))]
    if local.time() >= NIGHT_START or local.time() < NIGHT_END:
        hits.append(Hit("late_night", Decimal("0.90"), -1, -1,
                        local.strftime("%a %Y-%m-%d %H:%M")))
    return hits
