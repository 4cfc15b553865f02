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
