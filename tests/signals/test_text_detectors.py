"""The message-text detectors, per kind and language, with the hard negatives."""

from __future__ import annotations

import pytest

from rapport.signals.detectors import detect_text
from rapport.signals.text import detect_language, own_text

POSITIVES = [
    ("en", "urgency", "We need the landing page copy ASAP, the campaign goes live tomorrow."),
    ("en", "urgency", "Sorry for the short notice, but we need the deck by tomorrow morning."),
    ("de", "urgency", "Wir brauchen den Text dringend, die Kampagne startet morgen."),
    ("de", "urgency", "Das muss bis heute Abend fertig sein, die Druckerei wartet."),
    ("en", "haggling", "That's too expensive for us. Can you do it cheaper?"),
    ("en", "haggling", "Could you give us a discount if we book three articles?"),
    ("de", "haggling", "Das ist uns zu teuer. Geht da noch was beim Preis?"),
    ("de", "haggling", "Können Sie uns einen Rabatt geben?"),
    ("en", "scope_creep", "While you're at it, could you also update the About page?"),
    ("en", "scope_creep", "Just a quick tweak – shouldn't take long."),
    ("de", "scope_creep", "Könnten Sie noch schnell die Produktseite mitmachen?"),
    ("de", "scope_creep", "Wenn Sie eh dabei sind, können Sie auch das Impressum prüfen?"),
    ("en", "disrespect", "Honestly, this is amateurish. What are we paying you for?"),
    ("en", "disrespect", "You have to get it right the first time."),
    ("de", "disrespect", "Das muss beim ersten Mal richtig sein, wir haben keine Zeit für Fehler."),
    ("de", "disrespect", "Haben Sie das Briefing überhaupt gelesen? Das ist schlampig."),
    ("en", "payment_excuse", "We'll pay the invoice next week, accounts is on holiday."),
    ("en", "payment_excuse", "We never received your invoice, could you send it again?"),
    ("de", "payment_excuse", "Wir überweisen nächste Woche, die Buchhaltung ist im Urlaub."),
    ("de", "payment_excuse", "Die Zahlung verzögert sich leider noch etwas."),
    ("en", "ignores_advice", "I changed the headline myself, now the layout looks off."),
    ("en", "ignores_advice", "We went with our own version of the intro after all."),
    ("de", "ignores_advice", "Ich habe die Überschrift selbst geändert, jetzt ist es komisch."),
    ("de", "ignores_advice", "Wir haben doch lieber unsere alte Version genommen."),
]


@pytest.mark.parametrize(("language", "kind", "text"), POSITIVES)
def test_it_finds_the_kind_in_the_clients_words(language, kind, text):
    result = detect_text(f"Hallo Lena,\n\n{text}\n\nViele Grüße\nAnna"
                         if language == "de" else f"Hi Lena,\n\n{text}\n\nBest,\nTom")
    assert result.language == language
    assert kind in result.kinds
    hit = next(h for h in result.hits if h.kind == kind)
    assert hit.evidence and hit.evidence.lower() in text.lower()
    assert 0.5 <= hit.strength <= 1


@pytest.mark.parametrize("text", [
    "Kein Stress, nicht dringend – wann immer es Ihnen passt.",
    "Ist überhaupt nicht dringend.",
    "Lassen Sie sich ruhig Zeit mit den Korrekturen.",
    "No rush at all – whenever you get a chance is fine.",
    "It's not urgent at all.",
    "If you happen to have it by Friday that would be lovely, but no pressure.",
    "Die Rechnung ist nicht zu teuer, alles gut.",
    "No discount needed, the price is fair.",
    "Wir haben an Ihrem Text nichts geändert.",
    "The invoice is paid, we transferred it this morning.",
])
def test_negations_and_friendly_wording_are_not_signals(text):
    assert detect_text(text).kinds == set()


def test_a_promise_to_pay_at_once_is_not_urgency():
    text = "Wir warten selbst noch auf eine Zahlung, danach überweisen wir sofort."
    assert detect_text(text).kinds == {"payment_excuse"}


@pytest.mark.parametrize(("body", "language"), [
    ("Danke, machen wir.\n\nAm 04.11.2026 um 10:12 schrieb Lena Hoffmann <l@x.example>:\n"
     "> Könnten Sie die Rechnung bitte dringend begleichen? Rabatt gibt es nicht.", "de"),
    ("Thanks, will do.\n\nOn Tue, 4 Nov 2026 at 10:12, Lena <l@x.example> wrote:\n"
     "> Please pay ASAP, a discount is too expensive for me.", "en"),
    ("Got it.\n\n-----Original Message-----\nFrom: Lena\nSent: Tuesday\n\n"
     "This is urgent, the payment is delayed.", "en"),
    ("Alles klar.\n\nVon: Lena Hoffmann\nGesendet: Montag, 3. November 2026\n"
     "Betreff: Entwurf\n\nDas eilt, bitte sofort zahlen.", "de"),
    ("Sounds good.\n> I rewrote the intro myself.\n> Could you also send the images asap?",
     "en"),
])
def test_the_freelancers_quoted_words_never_count(body, language):
    result = detect_text(body)
    assert result.kinds == set()
    assert result.language == language


@pytest.mark.parametrize("body", [
    "Got it, thank you!\n\nBest regards,\nAlex Kim\nUrgent Care Partners LLC\n"
    "24/7 emergency line: 555-0199",
    "Alles klar, danke!\n\nViele Grüße\nPeter\nNotfall-Hotline: 0800 111 222\n"
    "Rabatt-Center Nord GmbH",
    "Thanks.\n\n-- \nOliver\nASAP Logistics GmbH",
])
def test_signatures_do_not_count(body):
    assert detect_text(body).kinds == set()


def test_the_quote_is_blanked_but_offsets_stay_those_of_the_original():
    body = "Wir brauchen das dringend.\n\nAm 1.1.2026 schrieb Lena:\n> Rabatt?"
    cleaned = own_text(body)
    assert len(cleaned) == len(body)
    assert "Rabatt" not in cleaned
    hit = detect_text(body).hits[0]
    assert body[hit.start:hit.end] == "dringend"


def test_a_thanks_line_at_the_top_is_not_taken_for_the_signature():
    body = ("Thanks!\n\nWe need this ASAP though, the client is waiting.\nAnd the deck too.\n"
            "And the flyer.\nAnd the banner.\nAnd the post.\nAnd the ad.\nAnd the logo.")
    assert "urgency" in detect_text(body).kinds


@pytest.mark.parametrize(("text", "language"), [
    ("Könnten Sie mir bitte die Dateien schicken?", "de"),
    ("Could you please send me the files?", "en"),
    ("Danke!", "de"),
    ("OK", "en"),
])
def test_the_language_is_guessed_from_frequent_words(text, language):
    assert detect_language(text) == language
