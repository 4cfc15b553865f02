"""How much a hit only the learned model found weighs, and wording that must stay quiet
although it looks like a warning sign: budget and number talk, polite disagreement,
auto-replies, the client waiting on their own people, relaxed deadlines. The sentences are
worded afresh, in neither the development nor the held-out corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rapport.signals.detectors import MODEL_MAX_STRENGTH, detect_text
from tests.signals.test_learned_detectors import MISSED_BY_LEXICONS


@pytest.mark.parametrize(("kind", "language", "sentence"), MISSED_BY_LEXICONS)
def test_a_hit_only_the_model_found_counts_as_weaker_evidence(kind, language, sentence):
    hit = next(hit for hit in detect_text(sentence).hits if hit.kind == kind)
    assert hit.strength <= Decimal(str(MODEL_MAX_STRENGTH))
    assert hit.evidence == sentence.rstrip(".?!") and hit.words


@pytest.mark.parametrize("sentence", [
    "Your quote is way too expensive for us.",
    "Ihr Angebot ist uns viel zu teuer.",
])
def test_a_lexicon_hit_weighs_more_than_any_model_only_hit(sentence):
    hit = next(hit for hit in detect_text(sentence).hits if hit.kind == "haggling")
    assert not hit.words  # the lexicon found it
    assert hit.strength > Decimal(str(MODEL_MAX_STRENGTH))


@pytest.mark.parametrize("sentence", [
    # budget and numbers that are no haggling
    "Die Zahlen für das Budget kommen morgen.",
    "Das Budget für 2027 ist beschlossen, die Zahlen bekommen Sie nächste Woche.",
    "Die Zahlen aus dem Webshop sehen gut aus, der Umsatz liegt zwölf Prozent über Plan.",
    "The budget figures arrive tomorrow.",
    "Our budget for the spring campaign is set; I'll share the breakdown once finance sends "
    "it.",
    "The numbers from the shop look good, sales are twelve percent above plan.",
    # the client waits on their own people, not on the freelancer
    "Ich warte noch auf unsere Controllerin, dann melde ich mich mit dem Budgetrahmen.",
    "I'm still waiting for our controller, then I'll get back to you with the budget range.",
    # polite disagreement is no disrespect and no overruled advice
    "Thanks for the draft. I see it a bit differently on the headline, could we talk it "
    "through on Friday?",
    "Danke für den Entwurf. Bei der Überschrift sehe ich es etwas anders, können wir am "
    "Freitag kurz drüber reden?",
    # an auto-reply's "urgent matters"
    "I'm on leave until the 9th. For urgent matters please write to office@example.com.",
    "Ich bin bis zum 9. im Urlaub. In dringenden Fällen schreiben Sie bitte an "
    "buero@example.com.",
    # a relaxed deadline
    "Whenever you find a quiet hour next week is perfectly fine for the flyer.",
    "Den Flyer gern irgendwann nächste Woche, wenn es bei Ihnen ruhiger ist.",
])
def test_hard_negatives_stay_quiet(sentence):
    assert detect_text(sentence).hits == []
