"""Load the detector lexicons from `data/` (plain text, see data/README.txt)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from re import _constants as sre_constants  # the parser's public face, stable since 3.11
from re import _parser as sre_parser

DATA = Path(__file__).parent / "data"
LANGUAGES = ("de", "en")
TEXT_KINDS = ("urgency", "haggling", "scope_creep", "disrespect", "payment_excuse",
              "ignores_advice")
FLAGS = re.IGNORECASE | re.UNICODE


@dataclass(frozen=True)
class Pattern:
    weight: float
    regex: re.Pattern[str]
    # Lower-case starts one of which every match begins with (None: unknown), so a message
    # that contains none of them is not scanned with this pattern at all.
    stems: frozenset[str] | None = None


@dataclass
class Lexicon:
    language: str
    patterns: dict[str, list[Pattern]] = field(default_factory=dict)
    suppressors: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    negations: frozenset[str] = frozenset()
    stopwords: frozenset[str] = frozenset()
    stems: tuple[str, ...] = ()  # every pattern's stems, to test a message against once

    def stems_in(self, lowered: str) -> set[str]:
        return {stem for stem in self.stems if stem in lowered}


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
            compiled = _compile(regex.strip(), path, number)
            patterns.append(Pattern(float(weight), compiled, stems_of(compiled.pattern)))
        lex.patterns[kind] = patterns
        lex.suppressors[kind] = suppressors
    lex.stems = tuple(sorted({stem for patterns in lex.patterns.values()
                              for pattern in patterns for stem in pattern.stems or ()}))
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


# -- stems: a cheap necessary condition for a pattern to match --------------------------

_STEM_LENGTH = 5
_MAX_STARTS = 512
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)


def _starts(items: list) -> tuple[set[str], bool] | None:
    """The literal strings a match of this parsed sequence can start with, and whether
    they are the whole match; None when a start is not a literal (`\\d`, `[a-z]`, `.`)."""
    results = {""}
    for index, (op, av) in enumerate(items):
        if op in _ZERO_WIDTH:
            continue
        if op is sre_constants.LITERAL:
            results = {r + chr(av).lower() for r in results}
            continue
        if op is sre_constants.SUBPATTERN or op is sre_constants.BRANCH:
            inner: set[str] = set()
            complete = True
            for branch in [av[-1]] if op is sre_constants.SUBPATTERN else av[1]:
                found = _starts(list(branch))
                if found is None:
                    return None
                inner |= found[0]
                complete = complete and found[1]
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[:2] == (0, 1):
            found, rest = _starts(list(av[2])), _starts(list(items[index + 1:]))
            if found is None or rest is None:
                return None
            taken = {a + b for a in found[0] for b in rest[0]} if found[1] else found[0]
            inner = taken | rest[0]
            if len(results) * len(inner) > _MAX_STARTS:
                return results, False
            return {r + p for r in results for p in inner}, found[1] and rest[1]
        else:
            return results, False
        if len(results) * len(inner) > _MAX_STARTS:
            return results, False  # the shorter starts are still required
        results = {r + p for r in results for p in inner}
        if not complete:
            return results, False
    return results, True


def stems_of(pattern: str) -> frozenset[str] | None:
    """Up to five lower-case characters every match begins with, or None if some match
    may begin otherwise (then the pattern always runs)."""
    found = _starts(list(sre_parser.parse(pattern, FLAGS)))
    if found is None or any(len(start) < 3 for start in found[0]):
        return None
    return frozenset(start[:_STEM_LENGTH] for start in found[0])
