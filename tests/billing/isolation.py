"""Objects of the billing app for the tenant isolation test."""

import datetime as dt

from django.utils import timezone

from rapport.billing import services
from rapport.billing.models import Deliverable, PortalLink
from rapport.clients.models import Client, Project


def objects_for(workspace, client: Client) -> dict[str, int]:
    project = Project.objects.create(workspace=workspace, client=client, name="Billed",
                                     amount=1)
    invoice = services.new_draft(workspace, client, project=project)
    services.add_line(invoice, "Secret work", 1, 100)
    invoice = services.issue(invoice)
    payment = services.record_payment(invoice, "10")
    link = PortalLink.objects.create(workspace=workspace, invoice=invoice,
                                     expires_at=timezone.now() + dt.timedelta(days=1))
    deliverable = Deliverable.objects.create(workspace=workspace, project=project, name="D")
    return {"invoice_pk": invoice.pk, "payment_pk": payment.pk, "link_pk": link.pk,
            "deliverable_pk": deliverable.pk}
