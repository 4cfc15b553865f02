"""The development corpus is rebuilt bit for bit from its sources, the held-out set shares
no message with it, and cross-validation judges each message by a model that never saw it
without touching the committed weights."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from rapport.signals import learned
from rapport.signals.evaluation import CORPUS, HOLDOUT, load_corpus
from rapport.signals.lexicon import TEXT_KINDS
from rapport.signals.training import cross_validate


def test_the_development_corpus_is_rebuilt_byte_for_byte_from_its_sources(tmp_path):
    shutil.copytree(CORPUS.parent / "corpus_src", tmp_path / "corpus_src")
    subprocess.run([sys.executable, "build.py"], cwd=tmp_path / "corpus_src", check=True,
                   capture_output=True)
    assert (tmp_path / "corpus.jsonl").read_bytes() == CORPUS.read_bytes()


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def test_no_held_out_message_is_in_the_development_corpus_even_slightly_reworded():
    development = [_words(row["text"]) for row in load_corpus(CORPUS)]
    for row in load_corpus(HOLDOUT):
        held_out = _words(row["text"])
        closest = max(len(held_out & words) / len(held_out | words) for words in development)
        assert closest < 0.55, row["text"]


def test_cross_validation_judges_every_message_once_and_leaves_the_model_alone():
    rows = load_corpus(CORPUS)[:240]
    before = {kind: learned.model_path(kind).read_bytes() for kind in TEXT_KINDS}
    counts = cross_validate(rows, folds=3)
    for kind in TEXT_KINDS:
        for language in ("de", "en"):
            expected = sum(1 for row in rows
                           if row["language"] == language and kind in row["kinds"])
            cell = counts[(kind, language)]
            assert cell["tp"] + cell["fn"] == expected
    assert {kind: learned.model_path(kind).read_bytes() for kind in TEXT_KINDS} == before
