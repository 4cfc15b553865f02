"""The learned detectors next to the lexicons: what they add, and where they stay quiet."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from rapport.comms.models import Direction, Message
from rapport.signals.detectors import detect_text
from rapport.signals.explain import render
from rapport.signals.lexicon import TEXT_KINDS
from rapport.signals.services import message_candidates

# Per kind and language: wording the lexicons have no pattern for, written for these tests
# and in neither the development nor the held-out corpus. Retraining moves the thresholds,
# so an example here may have to be replaced by another the lexicons miss and the retrained
# model still catches (two English ones were, when the rows became length-scaled).
MISSED_BY_LEXICONS = [
    ("urgency", "de", "Bitte lassen Sie alles andere liegen, die Präsentation geht heute "
                      "Abend raus."),
    ("urgency", "de", "Der Shop ist seit heute Morgen offline, wir verlieren jede Stunde "
                      "Umsatz."),
    ("urgency", "en", "Our launch is tomorrow at nine and the checkout page still shows the "
                      "old prices."),
    ("haggling", "de", "Der letzte Fotograf hat uns für so was ungefähr die Hälfte berechnet."),
    ("haggling", "en", "The last designer we hired charged about half of that."),
    ("disrespect", "en", "For what you charge I expected something better than a template."),
    ("disrespect", "de", "Bei Ihren Preisen hätte ich mehr als eine Vorlage erwartet, "
                         "ehrlich gesagt."),
    ("payment_excuse", "de", "Unser Chef muss alle Rechnungen freigeben und ist bis "
                             "Monatsende im Urlaub."),
    ("payment_excuse", "en", "We only pay suppliers once the grant money comes in, which "
                             "should be next quarter."),
    ("ignores_advice", "en", "We published the draft as it was, without your changes."),
    ("ignores_advice", "de", "Wir bleiben bei der alten Schrift, auch wenn Sie davon "
                             "abgeraten haben."),
    ("scope_creep", "de", "Wir möchten, dass Sie auch die Texte für alle Produktseiten "
                          "schreiben, das war ja eigentlich mitgemeint."),
    ("scope_creep", "en", "Oh and the board wants a Spanish version of the whole site as "
                          "well."),
]


def test_every_kind_and_language_has_an_example_only_the_model_catches():
    assert {(kind, language) for kind, language, _text in MISSED_BY_LEXICONS} == {
        (kind, language) for kind in TEXT_KINDS for language in ("de", "en")}


GERMAN_DISRESPECT = next(text for kind, language, text in MISSED_BY_LEXICONS
                         if (kind, language) == ("disrespect", "de"))


@pytest.mark.parametrize(("kind", "language", "sentence"), MISSED_BY_LEXICONS)
def test_the_model_catches_what_the_lexicons_miss(kind, language, sentence):
    body = f"Hallo Lena,\n\n{sentence}\n\nViele Grüße\nTom" if language == "de" else \
        f"Hi Lena,\n\n{sentence}\n\nBest regards\nTom"
    assert kind not in detect_text(body, use_model=False).kinds
    result = detect_text(body)
    assert result.language == language
    hit = next(hit for hit in result.hits if hit.kind == kind)
    assert hit.evidence == sentence.rstrip(".?!")  # the sentence is the evidence
    assert body[hit.start:hit.end] == hit.evidence
    assert hit.words and all(word in sentence for word in hit.words)


@pytest.mark.parametrize(("kind", "language", "sentence"), MISSED_BY_LEXICONS)
def test_the_freelancers_own_words_quoted_in_a_reply_stay_quiet(kind, language, sentence):
    if language == "de":
        body = ("Danke, passt so.\n\nAm 04.11.2026 um 10:12 schrieb Lena Hoffmann "
                f"<lena@berg-text.example>:\n> {sentence}")
    else:
        body = ("Thanks, that works.\n\nOn Tue, 4 Nov 2026 at 10:12, Lena Hoffmann "
                f"<lena@berg-text.example> wrote:\n> {sentence}")
    assert detect_text(body).hits == []


@pytest.mark.parametrize("sentence", [
    "It is not urgent, we need the files sometime next month.",
    "We did not send anything without your corrections, everything went out as you advised.",
    "Wir haben nichts ohne Ihre Korrekturen in den Druck gegeben.",
    "Das ist überhaupt nicht eilig, die Präsentation brauchen wir erst im Januar.",
])
def test_negated_wording_stays_quiet(sentence):
    assert detect_text(sentence).hits == []


@pytest.mark.parametrize("sentence", [
    "No rush at all: the fair opens tomorrow morning, but the banner can wait until next "
    "week.",
    "Kein Stress, der Shop ist seit heute Morgen offline, wir schauen uns das nächste Woche "
    "in Ruhe an.",
    "Thank you, the price is fair and the work is great.",
    "Danke, der Preis ist fair und die Arbeit ist super.",
])
def test_friendly_wording_stays_quiet(sentence):
    assert detect_text(sentence).hits == []


def test_a_message_the_freelancer_wrote_is_not_judged():
    sentence = GERMAN_DISRESPECT
    tz = ZoneInfo("Europe/Berlin")
    moment = dt.datetime(2026, 11, 4, 10, 0, tzinfo=tz)
    mine = Message(direction=Direction.OUTBOUND, body_text=sentence, subject="", date=moment)
    theirs = Message(direction=Direction.INBOUND, body_text=sentence, subject="", date=moment)
    assert message_candidates(mine, lambda _m: True, tz) == []
    assert [c.kind for c in message_candidates(theirs, lambda _m: True, tz)] == ["disrespect"]


def test_the_explanation_names_the_words_that_weighed_most_in_both_languages():
    hit = next(h for h in detect_text(GERMAN_DISRESPECT).hits)
    params = {"in_subject": False, "words": list(hit.words)}
    with translation.override("en"):
        english = render("disrespect", params)
    with translation.override("de"):
        german = render("disrespect", params)
    assert english.startswith("The message is rude or belittles your work.")
    assert "words that weighed most: " + ", ".join(hit.words) in english
    assert german.startswith("Die Nachricht")
    assert "am stärksten ins Gewicht fielen diese Wörter: " + ", ".join(hit.words) in german


def test_half_words_of_contractions_are_not_named():
    hit = next(h for h in detect_text("I don't know what they teach designers these days, "
                                      "honestly.").hits if h.kind == "disrespect")
    assert "designers" in hit.words and "don" not in hit.words


def test_with_the_model_switched_off_only_the_lexicons_speak(settings):
    """RAPPORT_SIGNALS_MODEL=off (for measuring what the model costs): wording only the
    model catches is not flagged, while the lexicons still are."""
    assert "disrespect" in detect_text(GERMAN_DISRESPECT, language="de").kinds
    settings.RAPPORT_SIGNALS_MODEL = False
    assert "disrespect" not in detect_text(GERMAN_DISRESPECT, language="de").kinds
    assert "disrespect" in detect_text("Honestly, this is amateurish. What are we paying "
                                       "you for?", language="en").kinds
