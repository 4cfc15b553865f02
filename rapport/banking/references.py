"""Invoice numbers and payer names as they really arrive in a bank statement.

Clients type the invoice number into a transfer by hand or let their banking app read it
from the GiroCode: with spaces or dashes in other places, without the prefix, or with
letters a scanner confuses with digits. Both sides are reduced to the same key, so
looking a number up is one dictionary access, never a scan over all invoices.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Container, Iterator

# Characters that OCR and hurried typing confuse: each group maps to one symbol.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "B": "8"})
_TOKEN = re.compile(r"[0-9A-Za-z]+")
_LEGAL_FORMS = frozenset({
    "gmbh", "mbh", "ag", "kg", "ug", "ohg", "gbr", "ev", "ek", "ekfm", "ekfr", "co", "cokg",
    "haftungsbeschraenkt", "ltd", "llc", "inc", "sarl", "sa", "bv", "se", "kgaa", "partg",
    "und", "and", "the", "der", "die", "das",
})
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
MAX_TOKENS_IN_NUMBER = 6
MIN_TAIL_LENGTH = 5  # a bare "42" in a purpose text names no invoice


def number_key(text: str) -> str:
    """The comparable form of an invoice number: letters and digits only, upper case,
    look-alike characters folded ("RE-2O26-OO42" and "re 2026 0042" give one key)."""
    return "".join(_TOKEN.findall(text)).upper().translate(_LOOKALIKES)


def tail_key(number: str) -> str:
    """The key of the number without its leading letters ("RE-2026-0042" → "20260042"),
    for clients who leave the prefix out; empty when too short to be telling."""
    match = re.search(r"\d", number)
    tail = number_key(number[match.start():]) if match else ""
    return tail if len(tail) >= MIN_TAIL_LENGTH and tail != number_key(number) else ""


def plain(text: str) -> str:
    """Letters and digits only, upper case, nothing folded: what the client typed."""
    return "".join(_TOKEN.findall(text)).upper()


def candidate_keys(purpose: str, prefixes: Container[str]) -> Iterator[tuple[str, str]]:
    """Every run of up to MAX_TOKENS_IN_NUMBER neighbouring words of the purpose text, as
    (key, plain), as long as the key begins some invoice number (`prefixes` holds every
    beginning of every key): one of them is the invoice number if the client wrote it
    down, however it was split or spelled. Words that begin no number cost one look-up."""
    words = [w.upper() for w in _TOKEN.findall(purpose)]
    keys = [w.translate(_LOOKALIKES) for w in words]
    for start in range(len(words)):
        key = raw = ""
        for word, folded in zip(words[start:start + MAX_TOKENS_IN_NUMBER],
                                keys[start:start + MAX_TOKENS_IN_NUMBER], strict=True):
            key += folded
            raw += word
            if key not in prefixes:
                break
            yield key, raw


def prefixes_of(key: str) -> Iterator[str]:
    return (key[:end] for end in range(1, len(key) + 1))


def is_girocode_reference(purpose: str, number: str) -> bool:
    """The GiroCode on the invoice carries the bare invoice number as remittance text
    (see rapport.billing.documents.girocode); a scanned transfer repeats it exactly."""
    return bool(number) and purpose.strip().upper() == number.strip().upper()


@functools.lru_cache(maxsize=4096)  # a statement names the same payers again and again
def name_key(name: str) -> str:
    """A payer's name reduced for comparison: case, umlauts, accents, punctuation and
    legal forms ("Möbelmanufaktur Brandt KG" = "MOEBELMANUFAKTUR BRANDT")."""
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_UMLAUTS))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if w not in _LEGAL_FORMS]
    return " ".join(words)


def iban_key(iban: str) -> str:
    return "".join(iban.split()).upper()
