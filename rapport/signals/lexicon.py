"""Load the detector lexicons from `data/` (plain text, see data/README.txt)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
LANGUAGES = ("de", "en")
TEXT_KINDS = ("urgency", "haggling", "scope_creep", "disrespect", "payment_excuse",
              "ignores_advice")
FLAGS = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True)
class Pattern:
    weight: float
    regex: re.Pattern[str]


@dataclass
class Lexicon:
    language: str
    patterns: dict[str, list[Pattern]] = field(default_factory=dict)
    suppressors: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    negations: frozenset[str] = frozenset()
    stopwords: frozenset[str] = frozenset()


def _lines(path: Path) -> list[tuple[int, str]]:
    result = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            result.append((number, line))
    return result


def _compile(text: str, path: Path, number: int, flags: int = FLAGS) -> re.Pattern[str]:
    try:
        return re.compile(text, flags)
    except re.error as exc:
        raise ValueError(f"{path.name}:{number}: {exc}") from exc


@cache
def lexicon(language: str) -> Lexicon:
    folder = DATA / language
    lex = Lexicon(language=language)
    for kind in TEXT_KINDS:
        path = folder / f"{kind}.txt"
        patterns: list[Pattern] = []
        suppressors: list[re.Pattern[str]] = []
        for number, line in _lines(path):
            if line.startswith("!"):
                suppressors.append(_compile(line[1:].strip(), path, number))
                continue
            weight, sep, regex = line.partition("|")
            if not sep:
                raise ValueError(f"{path.name}:{number}: expected 'weight | regex'")
            patterns.append(Pattern(float(weight), _compile(regex.strip(), path, number)))
        lex.patterns[kind] = patterns
        lex.suppressors[kind] = suppressors
    lex.negations = frozenset(w.lower() for _n, w in _lines(folder / "negations.txt"))
    lex.stopwords = frozenset(
        w.lower() for _n, line in _lines(folder / "stopwords.txt") for w in line.split()
    )
    return lex


@cache
def quote_markers() -> list[re.Pattern[str]]:
    path = DATA / "quotes.txt"
    return [_compile(line, path, n, FLAGS | re.MULTILINE) for n, line in _lines(path)]


@cache
def closings() -> frozenset[str]:
    return frozenset(line.lower() for _n, line in _lines(DATA / "closings.txt"))
