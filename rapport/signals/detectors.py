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

from django.conf import settings

from rapport.signals import learned
from rapport.signals.lexicon import TEXT_KINDS, Lexicon, lexicon, message_words
from rapport.signals.text import detect_language, own_text, preceding_words, sentence_bounds

THRESHOLD = 0.5
# One message's text is read up to here: a 200 MB mail must not take minutes and
# gigabytes (the import notes on such a message that only its beginning was checked).
MAX_ANALYSED_CHARS = 200_000
NIGHT_START = dt.time(22, 0)
# "without your corrections" is what overruled advice sounds like: not a negation there.
MODEL_NEGATIONS = {language: lexicon(language).negations - {"without", "ohne"}
                   for language in ("de", "en")}
NIGHT_END = dt.time(6, 0)
# A hit only the learned model found is weaker evidence than a lexicon hit (whose strength
# runs from THRESHOLD to 1): its strength is its probability, but at most this.
MODEL_MAX_STRENGTH = 0.6


@dataclass(frozen=True)
class Hit:
    kind: str
    strength: Decimal
    start: int
    end: int
    evidence: str
    # Set when the learned model found the hit: the words of the sentence that weighed most.
    words: tuple[str, ...] = ()


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


def detect_text(body: str, language: str | None = None, default_language: str = "en",
                use_model: bool = True, use_lexicon: bool = True) -> TextResult:
    """Every text kind found in the client's own words: one hit per kind, the strongest
    span as evidence, the strength combined over all matching patterns. A kind the
    lexicons miss is then asked of the learned model (`learned.py`), sentence by sentence;
    its evidence is the sentence it is surest of."""
    body = (body or "")[:MAX_ANALYSED_CHARS]
    text = own_text(body)
    if not language:
        # The own words first; a two-word answer borrows the language of the whole mail.
        language = detect_language(text, "")
        language = language or detect_language(body or "", default_language)
    lex = lexicon(language if language in ("de", "en") else "en")
    words = message_words(text)
    # Only the patterns that can match: a word every match contains is in the message.
    candidates = lex.candidates(words.stems if words else None) if use_lexicon else {}
    hits: list[Hit] = []
    for kind in TEXT_KINDS if use_lexicon else ():
        found: list[tuple[float, int, int]] = []
        suppressed: dict[int, bool] = {}  # per sentence start: checked once, not per hit
        for pattern in candidates[kind]:
            matches = pattern.regex.finditer(text) if pattern.heads is None or words is None \
                else pattern.finditer(text, words)
            for match in matches:
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
    if use_model:
        hits += _model_hits(body, text, lex, {hit.kind for hit in hits})
    return TextResult(language, hits)


def _model_hits(body: str, text: str, lex: Lexicon, found: set[str]) -> list[Hit]:
    """The learned model's hits for the kinds the lexicons did not find: per kind the
    sentence it is surest of, if that reaches the kind's threshold and no suppressor of
    the kind ("no rush") stands in the sentence."""
    # RAPPORT_SIGNALS_MODEL=off: the lexicons alone, to measure what the model costs.
    loaded = learned.models() if settings.RAPPORT_SIGNALS_MODEL else None
    if loaded is None or found.issuperset(loaded.kinds):
        return []
    best: dict[str, tuple[float, int, int]] = {}
    for start, end in learned.sentences(text):
        for kind, probability in learned.score(text[start:end], loaded).items():
            if kind in found or probability < loaded.thresholds[kind]:
                continue
            if probability > best.get(kind, (0.0, 0, 0))[0] and not any(
                    sup.search(text, start, end) for sup in lex.suppressors[kind]):
                best[kind] = (probability, start, end)
    hits = []
    for kind, (probability, start, end) in sorted(best.items()):
        words = learned.weightiest_words(text[start:end], kind, loaded, skip=lex.stopwords)
        # "not urgent", "nicht zu teuer": the model cannot read a negation; the word it
        # leaned on most must not be negated (the same test as for a lexicon match).
        if any(_negated(text, position, MODEL_NEGATIONS[lex.language])
               for position in _positions(text, start, end, words)):
            continue
        strength = Decimal(str(round(min(probability, MODEL_MAX_STRENGTH), 2)))
        hits.append(Hit(kind, strength, start, end, body[start:end], tuple(words)))
    return hits


def _positions(text: str, start: int, end: int, words: list[str]) -> list[int]:
    """Where the given words start within text[start:end]."""
    wanted = set(words)
    return [m.start() for m in learned.WORD.finditer(text, start, end) if m.group() in wanted]


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
