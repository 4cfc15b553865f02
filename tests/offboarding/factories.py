"""A client at the end of a project: open invoices, held deliverables, live portal links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.base import ContentFile

from rapport.billing import services
from rapport.billing.mailing import portal_link_for
from rapport.billing.models import Deliverable, Invoice, PortalLink
from rapport.clients.models import Client, Contact, Project
from rapport.clients.services import set_contact_emails
from rapport.core.models import Workspace
from rapport.offboarding import checklist
from rapport.offboarding.models import ChecklistItem, Procedure, Screenshot
from tests.agreements.factories import sent_proposal
from tests.billing.factories import billable_client, make_billable, project_for


@dataclass
class Ending:
    client: Client
    project: Project
    deposit: Invoice
    open_invoice: Invoice
    held: Deliverable
    portal_link: PortalLink


def ending_client(workspace: Workspace, name: str = "Kranich Verlag GmbH",
                  language: str = "de", issued_on: dt.date | None = None) -> Ending:
    make_billable(workspace)
    client = billable_client(workspace, name, language=language)
    client.change_status("active")
    contact = Contact.objects.create(workspace=workspace, client=client, name="Klara Kranich")
    set_contact_emails(contact, ["klara@kranich.example"])
    project = project_for(client, "4000.00", name="Website texts", status="active")
    deposit = services.create_deposit_invoice(project)
    deposit = services.issue(deposit, issued_on)
    services.record_payment(deposit, deposit.amount_due, paid_on=issued_on)
    extra = services.new_draft(workspace, client, project=project)
    services.add_line(extra, "Extra round of edits", 4, "90.00")
    extra = services.issue(extra, issued_on)
    held = Deliverable.objects.create(workspace=workspace, project=project,
                                      name="Final manuscript", status="finished")
    link = portal_link_for(extra)
    sent_proposal(client)
    return Ending(client, project, deposit, extra, held, link)


def with_procedure(ending: Ending) -> Procedure:
    """Open work ticked with a note, and one procedure with a screenshot."""
    from tests.offboarding.isolation import PNG

    client = ending.client
    offboarding = checklist.start(client)
    checklist.tick(offboarding.items.get(kind=ChecklistItem.Kind.FINISH_WORK),
                   "Kapitel 5 ist entworfen; Quellen liegen im Projektordner.")
    procedure = Procedure.objects.create(
        workspace=client.workspace, client=client, title="Newsletter versenden",
        steps="1. Im **Mailtool** anmelden\n2. Vorlage *Herbst* wählen\n3. Senden")
    shot = Screenshot(workspace=client.workspace, client=client, procedure=procedure,
                      caption="Die Vorlagenliste")
    shot.image.save("vorlagen.png", ContentFile(PNG), save=True)
    return procedure
