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
    assert set(report) == {"corpus", "holdout", "validation"}
    assert set(report["corpus"]["kinds"]["urgency"]) == {"de", "en", "all"}
    assert "errors" not in report["corpus"]


def test_the_command_reports_lexicon_model_and_combined_with_wilson_intervals():
    out = StringIO()
    call_command("eval-signals", stdout=out)
    report = json.loads(out.getvalue())
    assert report["validation"]["messages"] < report["corpus"]["messages"] / 4
    for name in ("validation", "holdout"):
        cell = report[name]["kinds"]["disrespect"]["en"]
        for scores in (cell, cell["lexicon"], cell["model"]):
            low, high = scores["recall_ci"]
            assert low <= scores["recall"] <= high and high - low > 0.05
            low, high = scores["precision_ci"]
            assert low <= scores["precision"] <= high
        assert cell["recall"] >= cell["lexicon"]["recall"]


def test_the_wilson_interval_matches_the_textbook_values():
    from rapport.signals.evaluation import wilson

    assert wilson(8, 10) == [0.49, 0.943]
    assert wilson(10, 10) == [0.722, 1.0]
    assert wilson(0, 0) is None


def test_the_shortcuts_find_exactly_what_a_plain_scan_finds():
    """Patterns are skipped when a word they need is missing, and tried only where their
    first word starts; on every corpus message and every pattern, that must give exactly
    the matches of `regex.finditer` over the whole text."""
    from rapport.signals.lexicon import lexicon, message_words
    from rapport.signals.text import own_text

    matched = skipped = 0
    for row in load_corpus(CORPUS) + load_corpus(HOLDOUT):
        lex = lexicon(row["language"])
        text = own_text(row["text"])
        words = message_words(text)
        for kind in TEXT_KINDS:
            for pattern in lex.patterns[kind]:
                plain = [m.span() for m in pattern.regex.finditer(text)]
                matched += bool(plain)
                if pattern.stems is not None and pattern.stems.isdisjoint(words.stems):
                    assert not plain, (pattern.regex.pattern, row["text"])
                    skipped += 1
                    continue
                fast = [m.span() for m in pattern.finditer(text, words)]
                assert fast == plain, (pattern.regex.pattern, row["text"])
    assert matched > 300 and skipped > matched
    heads = [p for kind in TEXT_KINDS for p in lexicon("en").patterns[kind] if p.heads]
    assert len(heads) > 0.35 * sum(len(lexicon("en").patterns[k]) for k in TEXT_KINDS)
