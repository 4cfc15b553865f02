"""The labelled corpus and `rapport eval-signals`."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from rapport.signals.evaluation import CORPUS, HOLDOUT, evaluate, load_corpus
from rapport.signals.lexicon import TEXT_KINDS


def test_the_corpus_is_large_bilingual_and_has_hard_negatives():
    rows = load_corpus(CORPUS)
    assert len(rows) >= 300
    assert {r["language"] for r in rows} == {"de", "en"}
    negatives = [r for r in rows if not r["kinds"]]
    assert len(negatives) >= 100
    assert any("schrieb" in r["text"] for r in negatives)
    for kind in TEXT_KINDS:
        for language in ("de", "en"):
            assert sum(1 for r in rows if kind in r["kinds"] and r["language"] == language) >= 10


def test_the_detectors_reach_the_targets_on_the_development_corpus():
    report = evaluate(load_corpus(CORPUS))
    for kind, scopes in report["kinds"].items():
        for scope in ("de", "en"):
            assert scopes[scope]["precision"] >= 0.85, (kind, scope)
            assert scopes[scope]["recall"] >= 0.75, (kind, scope)


def test_the_held_out_corpus_is_evaluated_too():
    """Never tuned on: its numbers are reported, not asserted (paraphrases defeat lexicons)."""
    report = evaluate(load_corpus(HOLDOUT))
    assert report["messages"] >= 40 and report["language_accuracy"] >= 0.95


def test_the_command_prints_json_per_kind_and_language():
    out = StringIO()
    call_command("eval-signals", stdout=out)
    report = json.loads(out.getvalue())
    assert set(report) == {"corpus", "holdout"}
    assert set(report["corpus"]["kinds"]["urgency"]) == {"de", "en", "all"}
    assert "errors" not in report["corpus"]


def test_the_stem_shortcut_never_skips_a_pattern_that_matches():
    """Patterns are skipped when the word they start with is not in the message; that
    must never hide a match (checked on every corpus message and every pattern)."""
    from rapport.signals.lexicon import lexicon, word_stems
    from rapport.signals.text import own_text

    checked = 0
    for row in load_corpus(CORPUS):
        lex = lexicon(row["language"])
        text = own_text(row["text"])
        present = word_stems(text.lower())
        for kind in TEXT_KINDS:
            for pattern in lex.patterns[kind]:
                if pattern.regex.search(text):
                    checked += 1
                    assert pattern.stems is None or not pattern.stems.isdisjoint(present), (
                        pattern.regex.pattern, row["text"])
    assert checked > 300
    shortcuts = [p for kind in TEXT_KINDS for p in lexicon("en").patterns[kind] if p.stems]
    assert len(shortcuts) > 0.6 * sum(len(lexicon("en").patterns[k]) for k in TEXT_KINDS)
