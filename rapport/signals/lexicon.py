"""Load the detector lexicons from `data/` (plain text, see data/README.txt)."""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    # Word stems one of which every match contains (see `stems_of`; None: unknown), so a
    # message without any of them is not scanned with this pattern at all.
    stems: frozenset[str] | None = None
    # Stems of the word every match starts with (None: unknown): the pattern is then tried
    # only where such a word starts, instead of at every position of the message.
    heads: frozenset[str] | None = None

    def finditer(self, text: str, words: Words | None) -> Iterator[re.Match[str]]:
        """The same matches as `regex.finditer(text)`, found faster with `words`."""
        if self.heads is None or words is None:
            yield from self.regex.finditer(text)
            return
        found = [positions for head in self.heads if (positions := words.starts.get(head))]
        if not found:
            return
        # One head's positions are already in order; only several need merging.
        starts = found[0] if len(found) == 1 else sorted({p for ps in found for p in ps})
        end = -1
        for start in starts:
            if start < end:
                continue  # inside the previous match, as finditer skips it
            match = self.regex.match(text, start)
            if match:
                yield match
                end = max(match.end(), start + 1)


@dataclass
class Words:
    """Where the words of a message start, by their first three and four letters."""

    starts: dict[str, list[int]]
    stems: set[str]


@dataclass
class Lexicon:
    language: str
    patterns: dict[str, list[Pattern]] = field(default_factory=dict)
    suppressors: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    negations: frozenset[str] = frozenset()
    stopwords: frozenset[str] = frozenset()
    # stem -> (kind, pattern index) of every pattern needing it; per kind the indices of
    # the patterns that always run (stems unknown). See `candidates`.
    by_stem: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    always: dict[str, list[int]] = field(default_factory=dict)

    def candidates(self, present: set[str] | None) -> dict[str, list[Pattern]]:
        """Per kind, in lexicon order, the patterns that can match a message whose word
        stems are `present` (all of them when None): one pass over the message's stems
        instead of one test per pattern."""
        if present is None:
            return self.patterns
        chosen = {kind: set(indices) for kind, indices in self.always.items()}
        for stem in present:
            for kind, index in self.by_stem.get(stem, ()):
                chosen[kind].add(index)
        return {kind: [self.patterns[kind][i] for i in sorted(indices)]
                for kind, indices in chosen.items()}


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
    lex.negations = frozenset(w.lower() for _n, w in _lines(folder / "negations.txt"))
    lex.stopwords = frozenset(
        w.lower() for _n, line in _lines(folder / "stopwords.txt") for w in line.split()
    )
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
            patterns.append(Pattern(float(weight), compiled,
                                    stems_of(compiled.pattern, lex.stopwords),
                                    heads_of(compiled.pattern)))
        lex.patterns[kind] = patterns
        lex.suppressors[kind] = suppressors
        lex.always[kind] = [i for i, pattern in enumerate(patterns) if pattern.stems is None]
        for index, pattern in enumerate(patterns):
            for stem in pattern.stems or ():
                lex.by_stem.setdefault(stem, []).append((kind, index))
    return lex


@cache
def quote_markers() -> list[re.Pattern[str]]:
    path = DATA / "quotes.txt"
    return [_compile(line, path, n, FLAGS | re.MULTILINE) for n, line in _lines(path)]


@cache
def closings() -> frozenset[str]:
    return frozenset(line.lower() for _n, line in _lines(DATA / "closings.txt"))


# -- stems and heads: scanning only what can match ---------------------------------------
#
# A pattern's matches begin with one of a few literal strings ("could you also", "zu
# teuer"). Each word inside such a string is a whole word of the message, so a message
# that lacks it cannot match. `stems_of` picks, per string, its least common word (not a
# stop word, the longest) and keeps its first four letters; `message_words()` indexes the
# three- and four-letter beginnings of a message's words once, and a pattern none of
# whose stems is among them is skipped. Where every match starts at a word boundary with
# a known word (`heads_of`), the pattern is tried only where such words start. The suite
# checks on the corpora that both give exactly the matches of a plain scan.

_TOKEN = re.compile(r"[^\W_]+")
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


def _anchored(items: list) -> bool:
    """Whether every match starts at a word boundary (\\b before any literal)."""
    for op, av in items:
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            continue
        if op is sre_constants.AT:
            return av is sre_constants.AT_BOUNDARY
        if op is sre_constants.BRANCH:
            return all(_anchored(list(branch)) for branch in av[1])
        if op is sre_constants.SUBPATTERN:
            return _anchored(list(av[-1]))
        return False
    return False


def _stem(start: str, anchored: bool, common: frozenset[str]) -> str | None:
    """The first letters of the rarest whole word in `start`; the first word counts only
    if the match starts at a word boundary (otherwise it may be the end of a word)."""
    words = [m.group() for m in _TOKEN.finditer(start)
             if len(m.group()) >= 3 and (anchored or m.start() > 0)]
    if not words:
        return None
    return max(words, key=lambda word: (word not in common, len(word)))[:4]


def stems_of(pattern: str, common: frozenset[str] = frozenset()) -> frozenset[str] | None:
    """The word stems one of which every match of `pattern` contains, or None if unknown
    (then the pattern always runs). `common`: words to pick only when nothing else is."""
    parsed = list(sre_parser.parse(pattern, FLAGS))
    found = _starts(parsed)
    if found is None:
        return None
    anchored = _anchored(parsed)
    stems = {_stem(start, anchored, common) for start in found[0]}
    return None if None in stems else frozenset(stems)  # type: ignore[arg-type]


def heads_of(pattern: str) -> frozenset[str] | None:
    """Stems of the first word of every match, if every match starts at a word boundary
    with a word of at least three letters; else None."""
    parsed = list(sre_parser.parse(pattern, FLAGS))
    found = _starts(parsed) if _anchored(parsed) else None
    if found is None:
        return None
    heads = set()
    for start in found[0]:
        first = _TOKEN.match(start)
        if first is None or len(first.group()) < 3:
            return None
        heads.add(first.group()[:4])
    return frozenset(heads)


def message_words(text: str) -> Words | None:
    """Index a message's words once for all patterns (None if lower-casing would move
    offsets, which a few rare characters do; then every pattern scans the whole text)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    starts: dict[str, list[int]] = {}
    for word in _TOKEN.finditer(lowered):
        token = word.group()
        starts.setdefault(token[:3], []).append(word.start())
        if len(token) > 3:
            starts.setdefault(token[:4], []).append(word.start())
    return Words(starts, set(starts))
