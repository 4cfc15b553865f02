"""The first-run checklist: what a new workspace still needs before Rapport is useful.

Each step is read from the real data (nothing to tick by hand), so it stays true when
something is added elsewhere, e.g. a client created from a prospect. It lives in its own
app because it reads five domain apps; core stays free of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rapport.agreements.models import Proposal
from rapport.billing.models import BillingSettings, Invoice
from rapport.clients.models import Client
from rapport.comms.models import CalendarSubscription, MailAccount, Message
from rapport.core.models import Workspace

BACK = "?next=/"  # settings forms return to the dashboard, where the step is ticked


@dataclass(frozen=True)
class Step:
    key: str
    title: Promise
    hint: Promise
    url: str
    done: bool
    also: tuple[tuple[Promise, str], ...] = ()  # a second way to do the same step


def business_data_complete(workspace: Workspace) -> bool:
    """What every invoice needs from you (§ 14 UStG): address and tax number or VAT ID."""
    return bool(workspace.street and workspace.postal_code and workspace.city
                and (workspace.tax_number or workspace.vat_id))


def bank_account_set(workspace: Workspace) -> bool:
    """An IBAN saved in the billing settings, where the tax regime is chosen too."""
    return BillingSettings.objects.filter(workspace=workspace).exclude(iban="").exists()


def steps(workspace: Workspace) -> list[Step]:
    """The five first steps, in the order they make sense, each with where it is done."""
    first_client = Client.objects.filter(workspace=workspace).order_by("pk").first()
    billing_url = reverse("billing:invoice_create")
    if first_client is not None:
        billing_url += f"?client={first_client.pk}"
    return [
        Step("business", _("Enter your business data"),
             _("Your address and tax number or VAT ID appear on every invoice."),
             f"{reverse('core:workspace_settings')}{BACK}", business_data_complete(workspace)),
        Step("bank", _("Add your bank account and tax regime"),
             _("Clients pay to this account; the tax regime decides whether you charge VAT."),
             f"{reverse('billing:settings')}{BACK}", bank_account_set(workspace)),
        Step("client", _("Add your first client"),
             _("Everything else — proposals, invoices, mail — belongs to a client."),
             reverse("clients:create"), first_client is not None),  # on to the client
        Step("document", _("Write your first invoice"),
             _("Start with a proposal if the work is not agreed yet, otherwise an invoice."),
             billing_url,
             Invoice.objects.filter(workspace=workspace).exists()
             or Proposal.objects.filter(workspace=workspace).exists(),
             also=((_("or start with a proposal"), reverse("agreements:proposal_create")),)),
        Step("mail", _("Connect your mail"),
             _("Rapport reads your mail and calendar to spot warning signs early."),
             reverse("comms:account_create"),
             MailAccount.objects.filter(workspace=workspace).exists()
             or CalendarSubscription.objects.filter(workspace=workspace).exists()
             or Message.objects.filter(workspace=workspace).exists()),
    ]


def is_complete(workspace: Workspace) -> bool:
    return all(step.done for step in steps(workspace))
