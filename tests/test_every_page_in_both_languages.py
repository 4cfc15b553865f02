"""Every page of the demo workspace, in German and in English: no errors, no mixed formats.

The URL list comes from the resolver (as in test_tenant_isolation), so a new page is
checked the day it is added; its ids are taken from the demo workspace, the data a new
user sees first. A page fails on a server error, on a date/time input whose value the
browser cannot show (anything but ISO), on an ISO date or an English decimal number inside
German text (17.11.2026 and 43,1 there; `<input>` values and `<time datetime>` are for
machines), on an English text that has a German translation in the catalogue, or none at
all, and on German catalogue text on an English page.
The language of a piece of text is the nearest `lang` attribute around it, so a letter
to an English client shown inside the German UI is held to English rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest
from babel.messages.pofile import read_po
from django.test import Client as HttpClient
from django.utils import translation

import rapport
from rapport.accounts.models import Invitation, User
from rapport.agreements.models import AgreementLink, ChangeOrder, Contract, Proposal
from rapport.api.models import ApiToken
from rapport.banking.models import BankImport, BankTransaction, CsvMapping
from rapport.billing import services as billing
from rapport.billing.models import Deliverable, Invoice, Payment, PortalLink, TaxTreatment
from rapport.clients.models import Client, ConfirmedRecipient, Contact, Note, Project, Tag
from rapport.comms.models import CalendarSubscription, ImportRun, MailAccount, Meeting, Message
from rapport.core.models import Workspace
from rapport.dunning.models import Reminder
from rapport.extras.models import ExtraRequest
from rapport.front.demo import DEMO_EMAIL, DEMO_WORKSPACE, build_demo
from rapport.health.models import Script
from rapport.intake.models import Interview, WaitingListEntry
from rapport.journal.models import JournalEntry, Lesson
from rapport.notifications.models import Notification
from rapport.offboarding.models import ChecklistItem, Procedure, Screenshot
from rapport.signals.models import Signal, SignalExample
from rapport.timetracking.models import TimeEntry, TimeImport
from rapport.webhooks.models import Delivery, Endpoint
from tests.test_tenant_isolation import all_routes

CATALOGUE = Path(rapport.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
# What each id in a URL names, and which other ids of the same URL follow from it.
KINDS: dict[str, tuple[type, dict[str, str]]] = {
    "client_pk": (Client, {}),
    "notification_pk": (Notification, {}),
    "contact_pk": (Contact, {"client_pk": "client_id"}),
    "note_pk": (Note, {"client_pk": "client_id"}),
    "project_pk": (Project, {"client_pk": "client_id"}),
    "invoice_pk": (Invoice, {}),
    "payment_pk": (Payment, {"invoice_pk": "invoice_id"}),
    "deliverable_pk": (Deliverable, {"project_pk": "project_id"}),
    "proposal_pk": (Proposal, {}),
    "contract_pk": (Contract, {}),
    "change_pk": (ChangeOrder, {}),
    "interview_pk": (Interview, {}),
    "waiting_pk": (WaitingListEntry, {}),
    "reminder_pk": (Reminder, {}),
    "script_pk": (Script, {}),
    "signal_pk": (Signal, {"client_pk": "client_id"}),
    "message_pk": (Message, {}),
    "meeting_pk": (Meeting, {}),
    "import_pk": (ImportRun, {}),
    "mail_account_pk": (MailAccount, {}),
    "subscription_pk": (CalendarSubscription, {}),
    "recipient_pk": (ConfirmedRecipient, {"client_pk": "client_id"}),
    "invitation_pk": (Invitation, {}),
    "token_pk": (ApiToken, {}),
    # The REST API's ids (its answers are JSON for programs; walked for server errors).
    "client_id": (Client, {}),
    "contact_id": (Contact, {}),
    "project_id": (Project, {}),
    "invoice_id": (Invoice, {}),
    "message_id": (Message, {}),
    "signal_id": (Signal, {}),
    "proposal_id": (Proposal, {}),
    "entry_pk": (JournalEntry, {}),
    "lesson_pk": (Lesson, {}),
    "item_pk": (ChecklistItem, {"client_pk": "client_id"}),
    "procedure_pk": (Procedure, {"client_pk": "client_id"}),
    "screenshot_pk": (Screenshot, {"client_pk": "client_id", "procedure_pk": "procedure_id"}),
    "time_entry_pk": (TimeEntry, {}),
    "extra_pk": (ExtraRequest, {}),
    "time_import_pk": (TimeImport, {}),
    "transaction_pk": (BankTransaction, {}),
    "bank_import_pk": (BankImport, {}),
    "mapping_pk": (CsvMapping, {}),
    "endpoint_pk": (Endpoint, {}),
    "delivery_pk": (Delivery, {}),
    "example_pk": (SignalExample, {}),
}
LINKS = {"billing": (PortalLink, {"invoice_pk": "invoice_id"}), "agreements": (AgreementLink, {})}
TOKENS = {"portal": PortalLink, "agreements_portal": AgreementLink, "intake_portal": Interview,
          "accounts": Invitation}
# Pages whose look depends on the object's state: walked for every object of the demo.
EVERY_OBJECT = {"clients:detail", "billing:invoice_detail", "agreements:proposal",
                "agreements:contract", "intake:interview", "dunning:letter",
                "health:client", "signals:client", "comms:client_comms"}
SKIP = {"accounts:logout", "accounts:password_reset_confirm"}
# The long lists with their filters set (GET forms with ISO values) and on a later page.
FILTERED = ("/clients/?status=active&q=a&per_page=50", "/clients/?page=2&per_page=25",
            "/invoices/?status=paid&due=&balance=settled&page=2",
            "/invoices/?due=overdue&balance=owed", "/invoices/?due=30days&q=20",
            "/proposals/?status=accepted&q=a&contracts_page=2", "/prospects/?status=declined",
            "/prospects/?q=a&status=vetting", "/signals/?status=all&page=2",
            "/signals/?kind=haggling&status=dismissed", "/signals/?status=nonsense&kind=x")
# PDF and XML files are written in the document's language, not the reader's: once is enough.
DOCUMENTS = re.compile(r"(pdf|xml|export)$")

ISO_VALUE = {"date": re.compile(r"\d{4}-\d{2}-\d{2}"),
             "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?"),
             "time": re.compile(r"\d{2}:\d{2}(:\d{2})?")}
ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")
ENGLISH_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,])")  # 43.1, 2142.00
# 28/11/2026 (British) or 11/28/2026 (US): never German; US is wrong for the walk's en-GB.
SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/\d{4}(?![\d/])")
# Code, what a person typed, and what they wrote, quoted (a signal's evidence).
NOT_TEXT = {"script", "style", "textarea", "pre", "q", "blockquote"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


@dataclass
class Catalogue:
    translated: dict[str, str] = field(default_factory=dict)
    german: set[str] = field(default_factory=set)  # translations that differ from the msgid
    msgids: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    # Long English stretches of translated messages, found by their first four words.
    fragments: dict[tuple[str, ...], list[tuple[str, str]]] = field(default_factory=dict)


def read_catalogue() -> Catalogue:
    catalogue = Catalogue()
    with CATALOGUE.open("rb") as po:
        for message in read_po(po):
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                msgid = " ".join(msgid.split())
                catalogue.msgids.add(msgid.lower())
                if message.fuzzy or not all(strings):
                    catalogue.missing.add(msgid)
                elif msgid not in strings:
                    catalogue.translated[msgid] = strings[0]
                    catalogue.german.update(" ".join(t.split()) for t in strings)
                    # Long English stretches of a message, between its placeholders.
                    for literal in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", msgid):
                        literal = literal.strip(" .,:;")
                        words = tuple(literal.split())
                        if len(words) >= 4 and literal not in strings[0]:
                            catalogue.fragments.setdefault(words[:4], []).append(
                                (literal, msgid))
    return catalogue


def texts(html: str, page_lang: str) -> Iterator[tuple[str, str, str]]:
    """(language, where, text) of everything a reader sees on the page."""

    def walk(element: lxml.html.HtmlElement, lang: str) -> Iterator[tuple[str, str, str]]:
        lang = (element.get("lang") or lang)[:2]
        tag = element.tag
        for name in SHOWN_ATTRIBUTES:
            if element.get(name):
                yield lang, f"{tag}@{name}", element.get(name)
        if tag in NOT_TEXT:
            return
        if element.text:
            yield lang, tag, element.text
        for child in element:
            if isinstance(child.tag, str):
                yield from walk(child, lang)
            if child.tail:
                yield lang, tag, child.tail

    yield from walk(lxml.html.document_fromstring(html), page_lang)


def user_words(workspace: Workspace) -> set[str]:
    """What the freelancer or the client wrote themselves (a tag "Warteliste", a
    subject "Angebot") is in their language, whatever the UI's."""
    words = set(Tag.objects.filter(workspace=workspace).values_list("name", flat=True))
    words |= set(Message.objects.filter(workspace=workspace).values_list("subject", flat=True))
    words |= set(Meeting.objects.filter(workspace=workspace).values_list("summary", flat=True))
    return {" ".join(word.split()) for word in words if word}


def problems_on(url: str, html: str, catalogue: Catalogue, language: str = "en",
                written: set[str] = frozenset()) -> list[str]:
    """What is wrong on one page; `language` is the page's when it has no <html lang>;
    `written` is what people wrote themselves."""
    found = []
    doc = lxml.html.document_fromstring(html)
    for element in doc.iter("input"):
        kind, value = element.get("type"), element.get("value")
        if kind in ISO_VALUE and value and not ISO_VALUE[kind].fullmatch(value):
            found.append(f"{url}: <input type={kind} name={element.get('name')}> "
                         f"has value {value!r}, which the browser shows as empty")
        if kind == "number" and value and re.fullmatch(r"-?\d+\.0+", value):
            found.append(f"{url}: <input type=number name={element.get('name')}> shows "
                         f"{value!r} with decimals that say nothing")
        if (kind in (None, "text") and value and (doc.get("lang") or language)[:2] == "de"
                and re.fullmatch(r"-?\d+\.\d\d", value)):
            found.append(f"{url}: text input {element.get('name')} shows {value!r}, "
                         "not a German number")
    german_text = []
    for lang, where, raw in texts(html, doc.get("lang") or language):
        text = " ".join(raw.split())
        if (lang == "en" and text in catalogue.german and text.lower() not in catalogue.msgids
                and text not in written):
            found.append(f"{url}: German on an English page <{where}>: {text!r}")
        if lang == "en" and any(int(m.group(2)) > 12 for m in SLASH_DATE.finditer(text)):
            found.append(f"{url}: US date for a British reader <{where}>: {text[:120]!r}")
        if lang != "de" or not text:
            continue
        german_text.append(text)
        if ISO_DATE.search(text):
            found.append(f"{url}: ISO date in German text <{where}>: {text[:120]!r}")
        if SLASH_DATE.search(text):
            found.append(f"{url}: English date in German text <{where}>: {text[:120]!r}")
        if ENGLISH_DECIMAL.search(text):
            found.append(f"{url}: English number in German text <{where}>: {text[:120]!r}")
        if text in catalogue.missing:
            found.append(f"{url}: no German translation in the catalogue: {text!r}")
        elif text in catalogue.translated:
            found.append(f"{url}: English on a German page <{where}>: {text!r}")
    joined = " ".join(german_text)
    words = joined.split()
    for i in range(len(words) - 3):
        for literal, msgid in catalogue.fragments.get(tuple(words[i:i + 4]), ()):
            if literal in joined:
                found.append(f"{url}: English on a German page: {literal!r} (from {msgid!r})")
    return found


def _pick(model: type, workspace: Workspace, every: bool) -> list[object]:
    objects = model.objects.filter(workspace=workspace).order_by("pk")
    return list(objects) if every else list(objects[:1])


def urls(workspace: Workspace, documents: bool = True) -> Iterator[str]:
    """Every GET-able URL of the project, filled with the demo workspace's objects."""
    yield from FILTERED
    for namespace, route, pattern in all_routes():
        name = f"{namespace}:{pattern.name}"
        if name in SKIP or (not documents and DOCUMENTS.search(pattern.name)):
            continue
        params = [m.group(2) for m in PARAM.finditer(route)]
        if not params:
            yield "/" + route
            continue
        if params == ["token"]:
            model = TOKENS[namespace]
            objects = model.objects.filter(workspace=workspace).exclude(token=None)
            for obj in objects.order_by("pk")[:1]:
                yield "/" + PARAM.sub(obj.token, route)
            continue
        leaf = params[-1]
        if leaf == "workspace_pk":
            yield "/" + PARAM.sub(str(workspace.pk), route)
            continue
        if leaf == "kind":
            leaf = params[-2]
        model, parents = LINKS[namespace] if leaf == "link_pk" else KINDS[leaf]
        for obj in _pick(model, workspace, name in EVERY_OBJECT):
            ids = {leaf: obj.pk, "kind": "deposit"}
            ids.update({param: getattr(obj, attr) for param, attr in parents.items()})
            yield "/" + PARAM.sub(lambda m, ids=ids: str(ids[m.group(2)]), route)


def walk(http: HttpClient, workspace: Workspace, catalogue: Catalogue,
         documents: bool = True) -> tuple[int, list[str]]:
    seen, found = 0, []
    written = user_words(workspace)
    for url in urls(workspace, documents):
        try:
            response = http.get(url)
        except Exception as exc:  # noqa: BLE001 — every failure is reported, not only the first
            found.append(f"{url}: server error {type(exc).__name__}: {exc}")
            continue
        seen += 1
        if response.status_code >= 500:
            found.append(f"{url}: answered {response.status_code}")
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            found += problems_on(url, response.content.decode(), catalogue,
                                 response.get("Content-Language", "en"), written)
    return seen, found


def add_a_draft(workspace: Workspace) -> Invoice:
    """The demo issues every invoice; a draft from the 17th (a day no US date can hide,
    unlike the 2nd), written under another tax regime, puts the draft pages and the
    settings' list of drafts to update on the walk."""
    client = Client.objects.filter(workspace=workspace).order_by("pk").first()
    draft = billing.new_draft(workspace, client)
    billing.add_line(draft, "Lektorat Herbstprogramm", 3, "80.00")
    Invoice.objects.filter(pk=draft.pk).update(
        tax_treatment=TaxTreatment.SMALL_BUSINESS,
        created_at=dt.datetime(2026, 11, 17, 10, tzinfo=workspace.tz))
    return draft


@pytest.mark.django_db
def test_every_page_of_the_demo_reads_right_in_german_and_in_english():
    build_demo()
    workspace = Workspace.objects.get(name=DEMO_WORKSPACE)
    draft = add_a_draft(workspace)
    assert draft.get_absolute_url() in set(urls(workspace))
    user = User.objects.get(email=DEMO_EMAIL)
    catalogue = read_catalogue()
    report = []
    for language, browser in (("de", "de-DE,de;q=0.9"), ("en", "en-GB,en;q=0.9")):
        user.language = language
        user.save(update_fields=["language"])
        http = HttpClient(HTTP_ACCEPT_LANGUAGE=browser)
        http.force_login(user)
        with translation.override(language):
            seen, found = walk(http, workspace, catalogue, documents=language == "de")
        assert seen > 150, f"only {seen} pages walked in {language}"
        report += [f"[{language}] {line}" for line in dict.fromkeys(found)]
    assert not report, f"{len(report)} problems:\n" + "\n".join(report)


def test_the_checks_catch_what_they_are_meant_to_catch():
    catalogue = Catalogue(translated={"Save proposal": "Angebot speichern"},
                          missing={"Days late per invoice"})
    catalogue.fragments[("Put", "this", "aside", "until")] = [
        ("Put this aside until the reserve is full", "Put this aside until …")]
    page = """<html lang="de"><body>
      <input type="date" name="valid_until" value="16.12.2026">
      <input type="date" name="fine" value="2026-12-16">
      <input type="number" name="amount" value="6000.00">
      <p>Termin am 2026-11-17</p><p><time datetime="2026-11-17">17.11.2026</time></p>
      <button>Save proposal</button><h2>Days late per invoice</h2>
      <p>Bitte: Put this aside until the reserve is full.</p>
      <article lang="en"><p>Save proposal</p><p>Meeting on 2026-11-17</p></article>
    </body></html>"""
    found = " | ".join(problems_on("/x/", page, catalogue))
    assert "valid_until" in found and "name=fine" not in found
    assert "name=amount" in found
    assert "Termin am 2026-11-17" in found and "Meeting on" not in found
    assert found.count("Save proposal") == 1  # the English letter may say it
    assert "no German translation in the catalogue: 'Days late per invoice'" in found
    assert "Put this aside until the reserve is full" in found
    assert len(problems_on("/x/", page.replace('lang="de"', 'lang="en"'), catalogue)) == 2
    catalogue.german.add("Angebot speichern")
    english = '<html lang="en"><body><p>Angebot speichern</p><p lang="de">Angebot speichern</p>'
    assert problems_on("/y/", english, catalogue) == [
        "/y/: German on an English page <p>: 'Angebot speichern'"]
    number = problems_on("/n/", '<html lang="de"><p>Reibung 43.1 am 17.11.2026</p>', catalogue)
    assert number == ["/n/: English number in German text <p>: 'Reibung 43.1 am 17.11.2026'"]
    dates = '<html lang="en"><p>Due 11/28/2026</p><p lang="de">Fällig 28/11/2026</p>' \
        '<p>Due 28/11/2026 (02/12/2026)</p>'
    assert [line.split(" <")[0] for line in problems_on("/d/", dates, catalogue)] == [
        "/d/: US date for a British reader", "/d/: English date in German text"]
    # A fragment without <html lang> takes the language the response declares.
    assert problems_on("/z/", "<p>Termin am 2026-11-17</p>", catalogue, language="de")
