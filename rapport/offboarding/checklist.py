"""The exit checklist: generated from the client's real state, worked through by ticking,
skipping with a reason, or letting Rapport do the item (revoke links, draft the final
invoice, release a paid deliverable; the handover letter is in `handover`).

`start()` moves the client to "offboarding" and writes the list; `finish()` moves it to
"former" once nothing is open. Generating again adds items for new facts only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from rapport.agreements.models import AgreementLink
from rapport.billing import portal
from rapport.billing import services as billing
from rapport.billing.models import Deliverable, Invoice, PortalLink
from rapport.clients.models import Client, Project
from rapport.core import clock
from rapport.core.dates import short_date
from rapport.core.money import format_money
from rapport.health.assessment import NONE, assess_client
from rapport.intake.models import Interview
from rapport.offboarding.models import ChecklistItem, Offboarding

Kind = ChecklistItem.Kind
ORDER = [Kind.FINISH_WORK, Kind.OPEN_INVOICE, Kind.FINAL_INVOICE, Kind.RELEASE_DELIVERABLE,
         Kind.REVOKE_LINKS, Kind.RETURN_FILES, Kind.HAND_BACK_ACCESS, Kind.HANDOVER_LETTER,
         Kind.TESTIMONIAL, Kind.SPEAK_WELL]
# What Rapport can do itself; the handover letter opens its own form first.
AUTOMATIC = frozenset({Kind.REVOKE_LINKS, Kind.FINAL_INVOICE, Kind.RELEASE_DELIVERABLE,
                       Kind.HANDOVER_LETTER})
OPEN_PROJECT = (Project.Status.PLANNED, Project.Status.ACTIVE, Project.Status.ON_HOLD)
STARTABLE = (Client.Status.ACTIVE, Client.Status.PAUSED, Client.Status.OFFBOARDING)


# --- the facts -------------------------------------------------------------------------


def open_invoices(client: Client) -> list[Invoice]:
    """Issued invoices (not cancellations) the client has not paid in full."""
    invoices = (client.invoices.filter(state=Invoice.State.ISSUED)
                .exclude(kind=Invoice.Kind.CANCELLATION).prefetch_related("payments")
                .order_by("issue_date", "pk"))
    return [invoice for invoice in invoices if invoice.balance() > 0]


def projects_without_final_invoice(client: Client) -> list[Project]:
    """Open projects that have no final invoice yet (a cancelled one does not count)."""
    final = Invoice.objects.filter(project=OuterRef("pk"), kind=Invoice.Kind.FINAL,
                                   state__in=[Invoice.State.DRAFT, Invoice.State.ISSUED])
    return list(client.projects.filter(status__in=OPEN_PROJECT).exclude(Exists(final))
                .order_by("pk"))


def unreleased_deliverables(client: Client) -> list[Deliverable]:
    return list(Deliverable.objects.filter(project__client=client)
                .exclude(status=Deliverable.Status.RELEASED)
                .select_related("project").order_by("project_id", "pk"))


@dataclass
class Links:
    portal: list[PortalLink]
    agreements: list[AgreementLink]
    interviews: list[Interview]

    @property
    def count(self) -> int:
        return len(self.portal) + len(self.agreements) + len(self.interviews)


def usable_links(client: Client, now: dt.datetime | None = None) -> Links:
    """Every link the client can still open without an account: invoices, proposals and
    change orders, the intake questionnaire."""
    now = now or clock.now()
    live = Q(revoked_at__isnull=True, expires_at__gt=now)
    return Links(
        portal=list(PortalLink.objects.filter(live, invoice__client=client)),
        agreements=list(AgreementLink.objects.filter(
            live, Q(proposal__client=client) | Q(change_order__contract__client=client))),
        interviews=list(Interview.objects.filter(live, client=client).exclude(token=None)),
    )


def relationship_was_good(client: Client) -> bool:
    """No warning sign to watch or present in the client's health: ask for a testimonial."""
    return assess_client(client, clock.today()).status == NONE


def facts(client: Client) -> list[tuple[str, str, dict]]:
    """(kind, ref, params) for every item the client's state calls for, in list order."""
    found: list[tuple[str, str, dict]] = []
    for project in client.projects.filter(status__in=OPEN_PROJECT).order_by("pk"):
        found.append((Kind.FINISH_WORK, f"project:{project.pk}", {"project": project.name}))
    for invoice in open_invoices(client):
        found.append((Kind.OPEN_INVOICE, f"invoice:{invoice.pk}", {
            "number": invoice.number, "balance": str(invoice.balance()),
            "currency": invoice.currency,
            "due": invoice.due_date.isoformat() if invoice.due_date else ""}))
    for project in projects_without_final_invoice(client):
        found.append((Kind.FINAL_INVOICE, f"project:{project.pk}", {"project": project.name}))
    for item in unreleased_deliverables(client):
        found.append((Kind.RELEASE_DELIVERABLE, f"deliverable:{item.pk}",
                      {"deliverable": item.name, "project": item.project.name}))
    links = usable_links(client)
    if links.count:
        found.append((Kind.REVOKE_LINKS, "", {"count": links.count}))
    found += [(Kind.RETURN_FILES, "", {}), (Kind.HAND_BACK_ACCESS, "", {}),
              (Kind.HANDOVER_LETTER, "", {})]
    if relationship_was_good(client):
        found.append((Kind.TESTIMONIAL, "", {}))
    found.append((Kind.SPEAK_WELL, "", {}))
    return found


# --- the list ----------------------------------------------------------------------------


def current(client: Client) -> Offboarding | None:
    return client.offboardings.filter(finished_at__isnull=True).first()


@transaction.atomic
def generate(offboarding: Offboarding) -> int:
    """Add an item for every fact not on the list yet; returns how many were added."""
    client = offboarding.client
    added = 0
    for kind, ref, params in facts(client):
        _item, created = ChecklistItem.objects.get_or_create(
            offboarding=offboarding, kind=kind, ref=ref,
            defaults={"workspace": client.workspace, "client": client, "params": params,
                      "position": ORDER.index(kind)})
        added += created
    return added


@transaction.atomic
def start(client: Client, by: object = None) -> Offboarding:
    """Move the client to "offboarding" (from active or paused) and write its checklist."""
    if client.status not in STARTABLE:
        raise ValidationError(_("Only an active or paused client can be offboarded."))
    if client.status != Client.Status.OFFBOARDING:
        client.change_status(Client.Status.OFFBOARDING, by=by,
                             reason=_("Offboarding started"))
    offboarding = current(client) or Offboarding.objects.create(
        workspace=client.workspace, client=client, started_at=clock.now(),
        started_by=by if getattr(by, "pk", None) else None)
    generate(offboarding)
    return offboarding


def open_items(offboarding: Offboarding) -> list[ChecklistItem]:
    return list(offboarding.items.filter(state=ChecklistItem.State.OPEN))


@transaction.atomic
def finish(offboarding: Offboarding, by: object = None) -> None:
    """Close the list and make the client a former client; refuse while items are open."""
    remaining = open_items(offboarding)
    if remaining:
        raise ValidationError(ngettext(
            "%(count)s item is still open: tick it, skip it with a reason, or let Rapport "
            "do it.",
            "%(count)s items are still open: tick them, skip them with a reason, or let "
            "Rapport do them.", len(remaining)) % {"count": len(remaining)})
    client = offboarding.client
    client.change_status(Client.Status.FORMER, by=by, reason=_("Offboarding finished"))
    offboarding.finished_at = clock.now()
    offboarding.save(update_fields=["finished_at"])


# --- working through the items -------------------------------------------------------------


def _close(item: ChecklistItem, state: str, *, reason: str = "", note: str | None = None,
           by_rapport: bool = False) -> ChecklistItem:
    item.state, item.reason, item.done_by_rapport = state, reason, by_rapport
    if note is not None:
        item.note = note
    item.closed_at = clock.now()
    item.save(update_fields=["state", "reason", "note", "done_by_rapport", "closed_at"])
    return item


def tick(item: ChecklistItem, note: str = "") -> ChecklistItem:
    """Done by hand. Open work needs a note: where you stopped and what remains."""
    note = note.strip()
    if item.kind == Kind.FINISH_WORK and not note and not item.note:
        raise ValidationError(_("Write down where you stopped and what remains; it goes "
                                "into the handover document."))
    return _close(item, ChecklistItem.State.DONE, note=note or item.note)


def skip(item: ChecklistItem, reason: str) -> ChecklistItem:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Say why you skip this item."))
    return _close(item, ChecklistItem.State.SKIPPED, reason=reason[:300])


def reopen(item: ChecklistItem) -> ChecklistItem:
    item.state, item.reason, item.done_by_rapport, item.closed_at = (
        ChecklistItem.State.OPEN, "", False, None)
    item.save(update_fields=["state", "reason", "done_by_rapport", "closed_at"])
    return item


def revoke_links(client: Client) -> int:
    """Close every link the client could still open; returns how many."""
    now = clock.now()
    links = usable_links(client, now)
    portal.revoke_portal_links(links.portal, now)
    AgreementLink.objects.filter(pk__in=[link.pk for link in links.agreements]).update(
        revoked_at=now)
    Interview.objects.filter(pk__in=[i.pk for i in links.interviews]).update(revoked_at=now)
    return links.count


def draft_final_invoice(project: Project) -> Invoice:
    """A fixed price: the agreed fee less paid deposits. Otherwise an empty final invoice
    for the remaining hours or days, ready for its lines."""
    if project.rate_type == Project.RateType.FIXED:
        return billing.create_final_invoice(project)
    invoice = billing.new_draft(project.workspace, project.client, kind=Invoice.Kind.FINAL,
                                project=project)
    with translation.override(invoice.language):
        invoice.intro_text = _("Our work together on “%(project)s” ends here. I invoice the "
                               "work not yet invoiced.") % {"project": project.name}
    invoice.save(update_fields=["intro_text"])
    return invoice


def release(deliverable: Deliverable) -> Deliverable:
    """Released to the client by billing's rule: only once the project is paid in full."""
    return billing.set_deliverable_status(deliverable, Deliverable.Status.RELEASED)


@transaction.atomic
def do(item: ChecklistItem) -> str:
    """Let Rapport do the item; returns what was done, in the reader's language."""
    try:
        return _do(item)
    except (Project.DoesNotExist, Deliverable.DoesNotExist) as exc:
        raise ValidationError(_("What this item is about no longer exists; skip it.")) from exc


def _do(item: ChecklistItem) -> str:
    client = item.client
    if item.kind == Kind.REVOKE_LINKS:
        count = revoke_links(client)
        _close(item, ChecklistItem.State.DONE, by_rapport=True)
        return ngettext("%(count)s link revoked.", "%(count)s links revoked.", count) % {
            "count": count}
    if item.kind == Kind.FINAL_INVOICE:
        project = client.projects.get(pk=item.ref_pk())
        if project not in projects_without_final_invoice(client):
            raise ValidationError(_("“%(project)s” has a final invoice already.") % {
                "project": project.name})
        invoice = draft_final_invoice(project)
        item.params = {**item.params, "invoice": invoice.pk}
        item.save(update_fields=["params"])
        _close(item, ChecklistItem.State.DONE, by_rapport=True)
        return _("The final invoice for “%(project)s” is drafted; check it and issue it.") % {
            "project": project.name}
    if item.kind == Kind.RELEASE_DELIVERABLE:
        deliverable = Deliverable.objects.get(project__client=client, pk=item.ref_pk())
        release(deliverable)
        _close(item, ChecklistItem.State.DONE, by_rapport=True)
        return _("“%(name)s” is released to the client.") % {"name": deliverable.name}
    raise ValidationError(_("Rapport cannot do this item for you; tick it when it is done."))


# --- words -------------------------------------------------------------------------------


def _money(params: dict) -> str:
    language = (translation.get_language() or "en")[:2]
    return format_money(Decimal(params.get("balance", "0")), params.get("currency", "EUR"),
                        language)


def describe(item: ChecklistItem) -> str:
    """The item as a sentence in the active language, from its kind and facts."""
    p = item.params
    if item.kind == Kind.FINISH_WORK:
        return _("Finish “%(project)s”, or write down where you stopped and what remains") % p
    if item.kind == Kind.OPEN_INVOICE:
        due = short_date(dt.date.fromisoformat(p["due"])) if p.get("due") else "—"
        return _("Invoice %(number)s is open: %(amount)s, due %(due)s") % {
            "number": p.get("number", ""), "amount": _money(p), "due": due}
    if item.kind == Kind.FINAL_INVOICE:
        return _("Draft the final invoice for the balance of “%(project)s”") % p
    if item.kind == Kind.RELEASE_DELIVERABLE:
        return _("Release “%(deliverable)s” (%(project)s) once it is paid") % p
    if item.kind == Kind.REVOKE_LINKS:
        return ngettext(
            "Revoke the %(count)s link the client can still open (invoice, proposal or "
            "questionnaire)",
            "Revoke the %(count)s links the client can still open (invoices, proposals, "
            "questionnaire)", p.get("count", 0)) % {"count": p.get("count", 0)}
    return str(STATIC_TEXTS[item.kind])


def hint(item: ChecklistItem) -> str:
    """Why the item is on the list, in a sentence (empty where the title says it all)."""
    return str(HINTS.get(item.kind, ""))


STATIC_TEXTS = {
    Kind.RETURN_FILES: _lazy("Return or delete the files the client shared with you "
                             "(drives, repositories, documents)"),
    Kind.HAND_BACK_ACCESS: _lazy("Hand back access: accounts, passwords and keys; ask the "
                                 "client to remove yours"),
    Kind.HANDOVER_LETTER: _lazy("Send the handover letter with the handover document"),
    Kind.TESTIMONIAL: _lazy("Ask for a testimonial"),
    Kind.SPEAK_WELL: _lazy("Speak well of everyone, and keep confidential what the client "
                           "did not make public"),
}
HINTS = {
    Kind.TESTIMONIAL: _lazy("The relationship went well: the client's health shows no "
                            "warning sign."),
    Kind.SPEAK_WELL: _lazy("How you leave is what people remember; a good ending keeps "
                           "your reputation."),
    Kind.HANDOVER_LETTER: _lazy("Write the procedures first; the letter carries them as "
                                "a PDF in the client's language."),
}
