"""Sorting the inbox: unknown senders become prospects or are ignored, private calendar
entries stay out of the way, your own address reads "you", all messages are searchable."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from rapport.clients.models import Client
from rapport.clients.services import set_client_domains
from rapport.comms.calendar import import_ics
from rapport.comms.linking import relink_known
from rapport.comms.models import Direction, Meeting, Message, Source
from rapport.inbox import services
from rapport.inbox.models import IgnoredSender
from rapport.intake.models import Interview
from tests.comms.helpers import OWN

_keys = itertools.count()


def mail(workspace, sender, *, name="", subject="Hello", body="", to=OWN, days=0,
         direction=Direction.INBOUND, client=None):
    key = next(_keys)
    return Message.objects.create(
        workspace=workspace, dedup_key=f"k{key}", thread_key=f"t{key}", from_address=sender,
        from_name=name, to_addresses=to, subject=subject, body_text=body,
        date=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC) + dt.timedelta(days=days),
        direction=direction, source=Source.DEMO, client=client)


@pytest.fixture
def own_workspace(workspace):
    workspace.email = OWN
    workspace.save()
    return workspace


def test_an_unknown_sender_becomes_a_prospect_with_their_mail_linked(owner_http, own_workspace):
    mail(own_workspace, "jo@radwerk.example", name="Jo Rad", subject="Anfrage")
    mail(own_workspace, "kim@radwerk.example", subject="Nachfrage")
    inbox = owner_http.get("/inbox/").content.decode()
    assert "/inbox/senders/prospect/?address=jo%40radwerk.example&amp;name=Jo%20Rad" in inbox

    form = owner_http.get("/inbox/senders/prospect/?address=jo@radwerk.example&name=Jo+Rad")
    assert form.context["form"].initial["name"] == "Radwerk"
    assert form.context["form"].initial["contact_name"] == "Jo Rad"
    assert form.context["form"].initial["email"] == "jo@radwerk.example"
    response = owner_http.post("/inbox/senders/prospect/?address=jo@radwerk.example", {
        "name": "Radwerk", "kind": "company", "contact_name": "Jo Rad",
        "email": "jo@radwerk.example", "language": "de"})
    interview = Interview.objects.get()
    assert response.url == interview.get_absolute_url()
    client = interview.client
    assert client.status == Client.Status.PROSPECT
    # Jo's own mail and a colleague's from the same company domain are now the prospect's.
    assert set(Message.objects.values_list("client", flat=True)) == {client.pk}
    assert "sender-jo@radwerk.example" not in owner_http.get("/inbox/").content.decode()


def test_a_free_mail_sender_is_suggested_as_a_person_not_a_company(own_workspace):
    found = services.prospect_suggestion(own_workspace, "sam.stranger@gmail.com", "Sam S")
    assert (found["name"], found["kind"]) == ("Sam S", Client.Kind.PERSON)


def test_an_ignored_sender_leaves_who_is_this_and_comes_back_after_undo(owner_http,
                                                                      own_workspace):
    mail(own_workspace, "news@shop.example", subject="Angebote")
    mail(own_workspace, "jo@radwerk.example")
    owner_http.post("/inbox/senders/ignore/", {"address": "news@shop.example",
                                               "scope": "address"})
    page = owner_http.get("/inbox/").content.decode()
    assert "sender-news@shop.example" not in page and "sender-jo@radwerk.example" in page
    settings = owner_http.get("/inbox/settings/").content.decode()
    assert "news@shop.example" in settings
    assert services.ignored_patterns(own_workspace) == {"news@shop.example"}
    owner_http.post("/inbox/settings/stop-ignoring/",
                    {"ignored": IgnoredSender.objects.get().pk})
    assert "sender-news@shop.example" in owner_http.get("/inbox/").content.decode()


def test_a_whole_domain_is_ignored_and_its_mail_never_counts_for_a_client(owner_http,
                                                                          own_workspace):
    mail(own_workspace, "a@spam.example")
    mail(own_workspace, "b@Spam.example")
    owner_http.post("/inbox/senders/ignore/", {"address": "a@spam.example", "scope": "domain"})
    page = owner_http.get("/inbox/").content.decode()
    assert "spam.example" not in page.split('id="unknown-senders"')[1].split("</section>")[0]
    # A client later claims the domain: the ignored mail is still not linked to it, so
    # it counts neither in warning signs nor in health.
    client = Client.objects.create(workspace=own_workspace, name="Spam Inc")
    set_client_domains(client, ["spam.example"])
    relink_known(own_workspace)
    assert not Message.objects.filter(client__isnull=False).exists()


def test_a_free_mail_domain_cannot_be_ignored_as_a_whole(owner_http, own_workspace):
    mail(own_workspace, "sam.stranger@gmail.com")
    response = owner_http.post("/inbox/senders/ignore/", {
        "address": "sam.stranger@gmail.com", "scope": "domain"}, follow=True)
    assert "Many people write from gmail.com; ignore the address instead." in \
        response.content.decode()
    assert not services.ignored_patterns(own_workspace)


def test_another_workspace_cannot_undo_my_ignore(owner_http, own_workspace, outsider):
    from django.test import Client as HttpClient

    ignored = services.ignore_sender(own_workspace, "x@spam.example")
    theirs = HttpClient()
    theirs.force_login(outsider)
    theirs.post("/inbox/settings/stop-ignoring/", {"ignored": ignored.pk})
    assert services.ignored_patterns(own_workspace) == {"x@spam.example"}


PRIVATE_ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:doc-1@example
DTSTAMP:20261101T080000Z
DTSTART:20261110T080000Z
DTEND:20261110T090000Z
SUMMARY:Zahnarzt
CLASS:PRIVATE
END:VEVENT
BEGIN:VEVENT
UID:work-1@example
DTSTAMP:20261101T080000Z
DTSTART:20261111T080000Z
DTEND:20261111T090000Z
SUMMARY:Workshop
END:VEVENT
BEGIN:VEVENT
UID:lunch-1@example
DTSTAMP:20261101T080000Z
DTSTART:20261112T110000Z
DTEND:20261112T120000Z
SUMMARY:Mittagessen
END:VEVENT
END:VCALENDAR
"""


def _loose(owner_http) -> str:
    page = owner_http.get("/inbox/").content.decode()
    return page.split("Meetings without a client")[1].split("</section>")[0] \
        if "Meetings without a client" in page else ""


def test_private_calendar_entries_can_be_ignored_always_or_one_by_one(owner_http,
                                                                     own_workspace):
    import_ics(own_workspace, PRIVATE_ICS, now=dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    assert Meeting.objects.get(summary="Zahnarzt").private
    assert not Meeting.objects.get(summary="Workshop").private
    assert "Zahnarzt" in _loose(owner_http) and "private" in _loose(owner_http)

    owner_http.post("/inbox/settings/", {"ignore_private": "on"})
    assert "Zahnarzt" not in _loose(owner_http) and "Workshop" in _loose(owner_http)

    lunch = Meeting.objects.get(summary="Mittagessen")
    owner_http.post(f"/inbox/meetings/{lunch.pk}/ignore/")
    assert "Mittagessen" not in _loose(owner_http)
    assert "Mittagessen" in owner_http.get("/inbox/settings/").content.decode()
    owner_http.post(f"/inbox/meetings/{lunch.pk}/show/")
    assert "Mittagessen" in _loose(owner_http)
    owner_http.post("/inbox/settings/", {})
    assert "Zahnarzt" in _loose(owner_http)


def test_my_own_address_reads_you_in_lists_and_in_the_message(owner_http, own_workspace):
    mine = mail(own_workspace, OWN, name="Mara Berg", subject="Mein Angebot",
                to="jo@radwerk.example", direction=Direction.OUTBOUND)
    theirs = mail(own_workspace, "jo@radwerk.example", name="Jo Rad", subject="Re: Angebot")
    inbox = owner_http.get("/inbox/").content.decode()
    assert "<td>you</td>" in inbox and "<td>Jo Rad</td>" in inbox and "Mara Berg" not in inbox
    detail = owner_http.get(f"/inbox/messages/{mine.pk}/").content.decode()
    assert "you &lt;mara@berg-text.example&gt;" in detail
    answer = owner_http.get(f"/inbox/messages/{theirs.pk}/").content.decode()
    assert "To: you" in answer
    owner_http.post("/accounts/language/", {"language": "de"})
    german = owner_http.get("/inbox/all/").content.decode()
    assert "<td>Sie</td>" in german


def test_all_messages_are_searched_on_the_server_and_paged(owner_http, own_workspace):
    for n in range(55):
        mail(own_workspace, f"p{n}@list.example", subject=f"Rundbrief {n}", days=n)
    mail(own_workspace, "jo@radwerk.example", name="Jo Rad", subject="Termin",
         body="Können wir den Workshop verschieben?", days=-1)
    first = owner_http.get("/inbox/all/")
    assert first.context["page"].paginator.count == 56
    assert len(first.context["page"].object_list) == 50
    assert "Rundbrief 54" in first.content.decode()  # newest first
    second = owner_http.get("/inbox/all/?page=2").content.decode()
    assert "Termin" in second and "Rundbrief 54" not in second
    for query in ("workshop", "Jo Rad", "radwerk", "termin"):
        found = owner_http.get("/inbox/all/", {"q": query})
        assert [m.subject for m in found.context["page"]] == ["Termin"], query
    assert owner_http.get("/inbox/all/?q=nichts+davon").context["page"].paginator.count == 0
