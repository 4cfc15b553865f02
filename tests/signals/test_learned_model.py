"""The learned detectors' weight files: reproducible from the corpus, small, reviewable."""

from __future__ import annotations

from rapport.signals import learned
from rapport.signals.evaluation import CORPUS, load_corpus
from rapport.signals.lexicon import TEXT_KINDS
from rapport.signals.training import KEEP_WEIGHTS, split, train


def test_retraining_reproduces_the_committed_weights_byte_for_byte(tmp_path):
    """One kind suffices: each kind is trained and thresholded on its own."""
    train(load_corpus(CORPUS), tmp_path, kinds=("disrespect",))
    fresh = learned.model_path("disrespect", tmp_path).read_bytes()
    assert fresh == learned.model_path("disrespect").read_bytes()


def test_every_text_kind_has_a_small_model_with_a_threshold_from_validation():
    loaded = learned.models()
    assert loaded is not None and set(loaded.kinds) == set(TEXT_KINDS)
    for kind in TEXT_KINDS:
        model = learned.read_model(learned.model_path(kind), kind)
        assert 0.5 <= model.threshold < 1
        assert 100 < len(model.weights) <= KEEP_WEIGHTS
        assert learned.model_path(kind).stat().st_size < 100_000


def test_the_validation_split_is_fixed_and_disjoint_from_training():
    rows = load_corpus(CORPUS)
    training, validation = split(rows)
    assert (training, validation) == split(rows)
    assert len(validation) == len(rows) - len(training) > 0.15 * len(rows)
    assert sorted(map(id, training + validation)) == sorted(map(id, rows))


def test_an_amount_counts_by_its_class_whatever_its_currency_or_notation():
    """"2.500 €" and "$3,000" weigh the same, so the model learns the words around an
    amount; the thousands point ends no sentence and an amount is never named as a word
    that weighed most."""
    loaded = learned.models()
    euro = "Another studio quoted us 2.500 € for the very same job"
    dollar = "Another studio quoted us $3,000 for the very same job"
    assert learned.score(euro, loaded) == learned.score(dollar, loaded)
    assert learned.score(euro, loaded) != learned.score(
        "Another studio quoted us nothing for the very same job", loaded)
    assert learned.sentences(f"{euro}. Thanks!") == [(0, len(euro))]
    for kind in TEXT_KINDS:
        named = learned.weightiest_words(euro, kind, loaded, count=20)
        assert "2" not in named and "2.500 €" not in named and "500" not in named
