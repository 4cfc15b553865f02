"""The exit checklist is written from the client's real state and worked through by
ticking, skipping with a reason, or letting Rapport do the item."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from rapport.agreements.models import AgreementLink
from rapport.billing import services
from rapport.billing.models import Deliverable, Invoice, PortalLink
from rapport.clients.models import Client
from rapport.offboarding import checklist
from rapport.offboarding.models import ChecklistItem
from tests.health.helpers import signal
from tests.offboarding.factories import ending_client

pytestmark = pytest.mark.django_db
Kind = ChecklistItem.Kind


@pytest.fixture
def ending(workspace):
    return ending_client(workspace)


def kinds(offboarding) -> list[tuple[str, str]]:
    return [(item.kind, item.ref) for item in offboarding.items.all()]


def test_starting_moves_the_client_to_offboarding_and_lists_what_is_really_open(ending):
    offboarding = checklist.start(ending.client)
    ending.client.refresh_from_db()
    assert ending.client.status == Client.Status.OFFBOARDING
    listed = kinds(offboarding)
    assert (Kind.FINISH_WORK, f"project:{ending.project.pk}") in listed
    assert (Kind.OPEN_INVOICE, f"invoice:{ending.open_invoice.pk}") in listed
    # The paid deposit is not open; the project has no final invoice yet.
    assert (Kind.OPEN_INVOICE, f"invoice:{ending.deposit.pk}") not in listed
    assert (Kind.FINAL_INVOICE, f"project:{ending.project.pk}") in listed
    assert (Kind.RELEASE_DELIVERABLE, f"deliverable:{ending.held.pk}") in listed
    links = offboarding.items.get(kind=Kind.REVOKE_LINKS)
    assert links.params == {"count": 2}  # the invoice's portal link and the proposal's
    for fixed in (Kind.RETURN_FILES, Kind.HAND_BACK_ACCESS, Kind.HANDOVER_LETTER,
                  Kind.SPEAK_WELL):
        assert (fixed, "") in listed
    # Nothing went wrong with this client: ask for a testimonial.
    assert (Kind.TESTIMONIAL, "") in listed


def test_a_client_whose_health_shows_warning_signs_gets_no_testimonial_request(ending):
    for days_ago in (10, 40, 70):
        signal(ending.client, "slow_payment", days_ago)
    offboarding = checklist.start(ending.client)
    assert not offboarding.items.filter(kind=Kind.TESTIMONIAL).exists()


def test_items_are_written_in_the_readers_language(ending):
    offboarding = checklist.start(ending.client)
    item = offboarding.items.get(kind=Kind.OPEN_INVOICE)
    with translation.override("en"):
        english = checklist.describe(item)
    with translation.override("de"):
        german = checklist.describe(item)
    number = ending.open_invoice.number
    assert english.startswith(f"Invoice {number} is open: €428.40, due ")
    assert german.startswith(f"Rechnung {number} ist offen: 428,40\xa0€, fällig am ")
    assert item.params["number"] == number  # stored as facts, not as a sentence


def test_generating_again_adds_only_new_facts(ending, workspace):
    offboarding = checklist.start(ending.client)
    before = offboarding.items.count()
    assert checklist.generate(offboarding) == 0
    Deliverable.objects.create(workspace=workspace, project=ending.project, name="Style guide")
    assert checklist.generate(offboarding) == 1
    assert offboarding.items.count() == before + 1


def test_open_work_is_ticked_only_with_a_note_on_where_you_stopped(ending):
    item = checklist.start(ending.client).items.get(kind=Kind.FINISH_WORK)
    with pytest.raises(ValidationError, match="where you stopped"):
        checklist.tick(item)
    checklist.tick(item, "Chapters 1–4 done; 5 drafted, sources in the shared folder.")
    item.refresh_from_db()
    assert item.state == ChecklistItem.State.DONE
    assert item.note.startswith("Chapters 1–4 done")


def test_skipping_needs_a_reason(ending):
    item = checklist.start(ending.client).items.get(kind=Kind.RETURN_FILES)
    with pytest.raises(ValidationError, match="why"):
        checklist.skip(item, "   ")
    checklist.skip(item, "Nothing was shared with me")
    item.refresh_from_db()
    assert (item.state, item.reason) == ("skipped", "Nothing was shared with me")


def test_rapport_revokes_every_link_the_client_can_still_open(ending):
    item = checklist.start(ending.client).items.get(kind=Kind.REVOKE_LINKS)
    assert checklist.do(item) == "2 links revoked."
    assert not PortalLink.objects.get(pk=ending.portal_link.pk).is_usable()
    assert not any(link.is_usable() for link in AgreementLink.objects.filter(
        proposal__client=ending.client))
    item.refresh_from_db()
    assert item.state == "done" and item.done_by_rapport


def test_rapport_drafts_the_final_invoice_deducting_the_paid_deposit(ending):
    item = checklist.start(ending.client).items.get(kind=Kind.FINAL_INVOICE)
    checklist.do(item)
    item.refresh_from_db()
    final = Invoice.objects.get(pk=item.params["invoice"])
    assert (final.kind, final.state, final.project) == ("final", "draft", ending.project)
    checklist.reopen(item)
    with pytest.raises(ValidationError, match="final invoice already"):
        checklist.do(item)  # no second draft
    assert Invoice.objects.filter(kind="final").count() == 1
    issued = services.issue(final)
    assert issued.deducted_total == ending.deposit.gross_total
    assert issued.amount_due == issued.gross_total - ending.deposit.gross_total


def test_a_held_deliverable_is_released_only_once_it_is_paid(ending):
    item = checklist.start(ending.client).items.get(kind=Kind.RELEASE_DELIVERABLE)
    with pytest.raises(ValidationError, match="paid in full"):
        checklist.do(item)
    assert Deliverable.objects.get(pk=ending.held.pk).status == "finished"
    services.record_payment(ending.open_invoice, ending.open_invoice.amount_due)
    checklist.do(item)
    assert Deliverable.objects.get(pk=ending.held.pk).status == "released"


def test_finishing_waits_for_every_item_then_makes_a_former_client(ending):
    offboarding = checklist.start(ending.client)
    with pytest.raises(ValidationError, match="still open"):
        checklist.finish(offboarding)
    for item in checklist.open_items(offboarding):
        checklist.skip(item, "Handled elsewhere")
    checklist.finish(offboarding)
    ending.client.refresh_from_db()
    assert ending.client.status == Client.Status.FORMER
    assert offboarding.finished_at is not None


def test_only_active_or_paused_clients_can_be_offboarded(workspace):
    from tests.conftest import make_client

    prospect = make_client(workspace, "Maybe GmbH")
    with pytest.raises(ValidationError):
        checklist.start(prospect)


def test_a_cancelled_final_invoice_does_not_count_as_the_final_invoice(ending):
    final = services.issue(checklist.draft_final_invoice(ending.project))
    services.cancel(final)
    assert checklist.projects_without_final_invoice(ending.client) == [ending.project]
    checklist.draft_final_invoice(ending.project)
    assert checklist.projects_without_final_invoice(ending.client) == []
