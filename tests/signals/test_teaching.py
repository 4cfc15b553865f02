"""The user teaches the detectors: dismissed and marked sentences are the workspace's
examples, change what fires in that workspace only, and can be exported and deleted."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from rapport.signals import services, teaching
from rapport.signals.explain import explain
from rapport.signals.models import Signal, SignalExample
from tests.conftest import make_client, make_workspace
from tests.signals.helpers import message

pytestmark = pytest.mark.django_db

MISSED = "Unser Kassenwart runzelt bei der Zahl die Stirn."
SIMILAR_MISSED = "Unser Kassenwart runzelt bei dieser Zahl die Stirn."
HAGGLE = "Das ist uns aber zu teuer."
SIMILAR_HAGGLE = "Das ist uns aber viel zu teuer."


def kinds(msg) -> set[str]:
    return set(Signal.objects.filter(source_type="message", source_id=msg.pk)
               .active().values_list("kind", flat=True))


def test_a_dismissed_sentence_stops_firing_for_similar_sentences_in_that_workspace_only(
        workspace, client_obj, outsider):
    other = make_workspace(outsider, "Other studio")
    stranger = make_client(other, "Stranger GmbH")
    first = message(workspace, client_obj, f"Hallo,\n\n{HAGGLE}\n\nAnna")
    again = message(workspace, client_obj, f"Hallo,\n\n{SIMILAR_HAGGLE}\n\nAnna")
    elsewhere = message(other, stranger, f"Hallo,\n\n{SIMILAR_HAGGLE}\n\nAnna")
    for msg in (first, again, elsewhere):
        services.detect_for_message(msg)
    assert "haggling" in kinds(again) and "haggling" in kinds(elsewhere)

    services.dismiss(Signal.objects.get(source_id=first.pk, kind="haggling"))

    example = SignalExample.objects.get()
    assert (example.workspace, example.kind, example.label, example.text) == (
        workspace, "haggling", "negative", HAGGLE.rstrip("."))
    assert "haggling" not in kinds(again)  # already stored: judged again at once
    later = message(workspace, client_obj, f"Hallo,\n\n{SIMILAR_HAGGLE}\n\nAnna")
    services.detect_for_message(later)
    assert "haggling" not in kinds(later)
    assert "haggling" in kinds(elsewhere)  # another workspace's verdicts do not count
    other_later = message(other, stranger, f"Hallo,\n\n{SIMILAR_HAGGLE}\n\nAnna")
    services.detect_for_message(other_later)
    assert "haggling" in kinds(other_later)


def test_restoring_a_dismissed_signal_forgets_its_example(workspace, client_obj):
    first = message(workspace, client_obj, HAGGLE)
    again = message(workspace, client_obj, SIMILAR_HAGGLE)
    services.detect_for_message(first)
    services.detect_for_message(again)
    signal = Signal.objects.get(source_id=first.pk, kind="haggling")
    services.dismiss(signal)
    assert "haggling" not in kinds(again)
    services.restore(signal)
    assert not SignalExample.objects.exists()
    assert "haggling" in kinds(again) and "haggling" in kinds(first)


def test_a_marked_sentence_fires_with_the_example_as_explanation_in_that_workspace_only(
        workspace, client_obj, owner, outsider):
    other = make_workspace(outsider, "Other studio")
    stranger = make_client(other, "Stranger GmbH")
    marked = message(workspace, client_obj, f"Hallo Lena,\n\n{MISSED} Wir melden uns.")
    services.detect_for_message(marked)
    assert "haggling" not in kinds(marked)
    start, end, _text = next(s for s in teaching.message_sentences(marked) if "Kassenwart" in s[2])

    teaching.mark(marked, start, end, "haggling", owner)

    assert "haggling" in kinds(marked)
    later = message(workspace, client_obj, f"Hallo,\n\n{SIMILAR_MISSED}\n\nAnna")
    services.detect_for_message(later)
    signal = Signal.objects.get(source_id=later.pk, kind="haggling")
    assert signal.evidence == SIMILAR_MISSED.rstrip(".")
    assert explain(signal) == ("You marked a similar sentence as this warning sign: "
                               f"“{MISSED.rstrip('.')}”.")
    elsewhere = message(other, stranger, f"Hallo,\n\n{SIMILAR_MISSED}\n\nAnna")
    services.detect_for_message(elsewhere)
    assert "haggling" not in kinds(elsewhere)
    unrelated = message(workspace, client_obj, "Die Unterlagen für das Treffen kommen morgen.")
    services.detect_for_message(unrelated)
    assert "haggling" not in kinds(unrelated)


def test_marking_needs_a_sentence_of_the_message_and_a_text_kind(workspace, client_obj):
    msg = message(workspace, client_obj, MISSED)
    with pytest.raises(ValueError, match="not a sentence"):
        teaching.mark(msg, 0, 3, "haggling")
    with pytest.raises(ValueError, match="kind"):
        teaching.mark(msg, 0, len(MISSED) - 1, "late_night")
    assert not SignalExample.objects.exists()


def _taught(workspace, client_obj, owner):
    msg = message(workspace, client_obj, MISSED)
    teaching.mark(msg, 0, len(MISSED) - 1, "haggling", owner)
    return msg


def test_examples_are_downloaded_as_json_and_csv(workspace, client_obj, owner, owner_http,
                                                 outsider):
    _taught(workspace, client_obj, owner)
    other = make_workspace(outsider, "Other studio")
    teaching.mark(message(other, make_client(other), MISSED), 0, len(MISSED) - 1,
                  "disrespect")
    response = owner_http.get(reverse("signals:examples_export") + "?format=json")
    assert response["Content-Disposition"].startswith("attachment")
    rows = json.loads(response.content)
    assert [(r["kind"], r["label"], r["text"], r["created_by"]) for r in rows] == [
        ("haggling", "positive", MISSED.rstrip("."), "owner@example.com")]
    response = owner_http.get(reverse("signals:examples_export") + "?format=csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [(r["kind"], r["text"]) for r in table] == [("haggling", MISSED.rstrip("."))]


def test_an_example_is_deleted_after_confirmation_and_stops_counting(
        workspace, client_obj, owner, owner_http):
    msg = _taught(workspace, client_obj, owner)
    example = SignalExample.objects.get()
    page = owner_http.get(reverse("signals:examples")).content.decode()
    assert MISSED.rstrip(".") in page
    url = reverse("signals:example_delete", kwargs={"example_pk": example.pk})
    assert "Delete this example?" in owner_http.get(url).content.decode()
    assert SignalExample.objects.exists()  # a GET only asks
    owner_http.post(url)
    assert not SignalExample.objects.exists()
    assert "haggling" not in kinds(msg)


def test_all_examples_are_deleted_after_confirmation(workspace, client_obj, owner,
                                                     owner_http, outsider):
    _taught(workspace, client_obj, owner)
    _taught(workspace, client_obj, owner)
    other = make_workspace(outsider, "Other studio")
    teaching.mark(message(other, make_client(other), MISSED), 0, len(MISSED) - 1,
                  "haggling")
    url = reverse("signals:examples_delete_all")
    assert "Delete all 2 examples?" in owner_http.get(url).content.decode()
    owner_http.post(url)
    assert list(SignalExample.objects.values_list("workspace", flat=True)) == [other.pk]


def test_another_workspace_cannot_delete_my_examples(workspace, client_obj, owner,
                                                     outsider):
    from django.test import Client as HttpClient
    _taught(workspace, client_obj, owner)
    http = HttpClient()
    http.force_login(outsider)
    example = SignalExample.objects.get()
    response = http.post(reverse("signals:example_delete",
                                 kwargs={"example_pk": example.pk}))
    assert response.status_code == 404
    assert SignalExample.objects.exists()


def test_a_dismissed_subject_remembers_the_subject(workspace, client_obj):
    msg = message(workspace, client_obj, "Siehe unten.", subject="Dringend: Logo bis heute")
    services.detect_for_message(msg)
    services.dismiss(Signal.objects.get(source_id=msg.pk, kind="urgency"))
    assert SignalExample.objects.get().text == "Dringend: Logo bis heute"
    later = message(workspace, client_obj, "Siehe unten.", subject="Dringend: Logo bis morgen")
    services.detect_for_message(later)
    assert "urgency" not in kinds(later)


def test_a_sentence_that_looks_like_a_formula_is_exported_as_text(workspace, owner_http):
    SignalExample.objects.create(workspace=workspace, kind="disrespect", label="positive",
                                 text='=HYPERLINK("http://evil.example","hi")',
                                 normalised="hyperlink")
    response = owner_http.get(reverse("signals:examples_export") + "?format=csv")
    row = next(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert row["text"] == '\'=HYPERLINK("http://evil.example","hi")'
    rows = json.loads(owner_http.get(reverse("signals:examples_export")).content)
    assert rows[0]["text"].startswith("=HYPERLINK")  # JSON keeps the words as written


@pytest.mark.django_db(transaction=True)
def test_a_client_with_much_mail_is_judged_again_in_the_background(
        workspace, client_obj, owner, monkeypatch):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    monkeypatch.setattr(teaching, "SYNC_MESSAGES", 1)
    marked = message(workspace, client_obj, MISSED)
    older = message(workspace, client_obj, SIMILAR_MISSED)
    teaching.mark(marked, 0, len(MISSED) - 1, "haggling", owner)
    assert "haggling" in kinds(marked)  # the message the user looks at: at once
    assert "haggling" not in kinds(older)
    assert DBTaskResult.objects.filter(task_path__endswith="rejudge_taught_signals").exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert "haggling" in kinds(older)


def test_marking_through_the_page_checks_the_sentence_and_the_direction(
        workspace, client_obj, owner_http):
    msg = message(workspace, client_obj, MISSED)
    url = reverse("signals:mark", kwargs={"message_pk": msg.pk})
    page = owner_http.post(url, {"start": "0", "end": "x", "kind": "haggling"}, follow=True)
    assert "Choose a sentence of this message" in page.content.decode()
    assert not SignalExample.objects.exists()
    mine = message(workspace, client_obj, MISSED, outbound=True)
    response = owner_http.post(reverse("signals:mark", kwargs={"message_pk": mine.pk}),
                               {"start": "0", "end": str(len(MISSED) - 1),
                                "kind": "haggling"})
    assert response.status_code == 404  # my own words are never a client's warning sign
    assert not SignalExample.objects.exists()
