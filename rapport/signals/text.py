"""Text preparation for the detectors: the client's own words only, and their language.

`own_text()` returns a string of the same length as the input in which quoted replies,
forwarded blocks and the signature are blanked out, so every offset found in it is an
offset into the original message body (the evidence span shown to the user).
"""

from __future__ import annotations

import re

from rapport.signals.lexicon import LANGUAGES, closings, lexicon, quote_markers

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_QUOTED_LINE = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_CLOSING_LINE = re.compile(r"^[ \t]*([^\W\d_][^\n]{0,40}?)[ \t]*[,.!:]*[ \t]*$", re.MULTILINE)
# How many non-empty lines may follow a closing for it to count as the signature.
_MAX_SIGNATURE_LINES = 6


def _blank(text: str, start: int, end: int) -> str:
    """Replace text[start:end] by spaces, keeping line breaks (and so all offsets)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def own_text(body: str) -> str:
    """The body with quoted replies, forwarded blocks and the signature blanked out."""
    text = body.replace("\r\n", " \n").replace("\r", "\n")
    cut = len(text)
    for marker in quote_markers():
        found = marker.search(text)
        if found and found.start() < cut and text[:found.start()].strip():
            cut = found.start()
        elif found and found.start() < cut and not text[:found.start()].strip():
            # A message that starts with a quote header: only what is quoted follows.
            cut = found.start()
    for match in _CLOSING_LINE.finditer(text, 0, cut):
        if match.group(1).strip().lower() not in closings():
            continue
        if not text[:match.start()].strip():
            continue
        rest = [line for line in text[match.end():cut].splitlines() if line.strip()]
        if len(rest) <= _MAX_SIGNATURE_LINES:
            cut = match.start()
            break
    if cut < len(text):
        text = _blank(text, cut, len(text))
    for quoted in _QUOTED_LINE.finditer(text):
        text = _blank(text, quoted.start(), quoted.end())
    return text


def detect_language(text: str, default: str = "en") -> str:
    """German or English, by counting each language's frequent words."""
    words = [w.lower() for w in _WORD.findall(text)]
    scores = {lang: sum(1 for w in words if w in lexicon(lang).stopwords)
              for lang in LANGUAGES}
    if any(ch in text for ch in "äöüßÄÖÜ"):
        scores["de"] += 2
    best = max(scores.values())
    if best == 0:
        return default
    leaders = [lang for lang, score in scores.items() if score == best]
    return default if len(leaders) > 1 and default in leaders else leaders[0]


_SENTENCE_END = re.compile(r"[.!?;\n]+")
_CLAUSE_END = re.compile(r"[,.!?;:\n()–—-]")


def sentence_bounds(text: str, position: int) -> tuple[int, int]:
    # The last sentence end before position, found backwards: scanning from the start
    # for every hit made long mails quadratic (minutes for one 200 KB message).
    start = max(text.rfind(mark, 0, position) for mark in ".!?;\n") + 1
    following = _SENTENCE_END.search(text, position)
    return start, following.start() if following else len(text)


def preceding_words(text: str, position: int, count: int = 3) -> list[str]:
    """Up to `count` words before `position`, not crossing a clause boundary."""
    start = 0
    for found in _CLAUSE_END.finditer(text, max(0, position - 80), position):
        start = found.end()
    words = _WORD.findall(text[max(start, position - 80):position])
    return [w.lower().replace("’", "'") for w in words[-count:]]
