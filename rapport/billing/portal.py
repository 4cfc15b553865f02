"""Client links to an issued invoice: created, reused for emails, revoked. The one place
that decides how long a link works."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rapport.billing.models import Invoice, PortalLink
from rapport.core import clock

PORTAL_LINK_DAYS = 60
# A link reused in a new email should still work for a while after it arrives.
PORTAL_LINK_MIN_REMAINING = dt.timedelta(days=30)
NOT_ISSUED = _("Issue the invoice before sharing it.")


def create_portal_link(invoice: Invoice, now: dt.datetime | None = None) -> PortalLink:
    """A fresh link that opens this invoice for PORTAL_LINK_DAYS days; a draft has none."""
    if invoice.is_draft:
        raise ValidationError(NOT_ISSUED, code="draft")
    now = now or clock.now()
    return PortalLink.objects.create(workspace_id=invoice.workspace_id, invoice=invoice,
                                     expires_at=now + dt.timedelta(days=PORTAL_LINK_DAYS))


def portal_link_for(invoice: Invoice, now: dt.datetime | None = None) -> PortalLink:
    """The newest link that stays usable for a while yet, or a fresh one.

    Reusing keeps one link per invoice in the client's inbox instead of a new one per
    reminder; a link about to expire is not reused, so the email is not dead on arrival.
    """
    now = now or clock.now()
    link = (
        invoice.portal_links.filter(revoked_at__isnull=True,
                                    expires_at__gt=now + PORTAL_LINK_MIN_REMAINING)
        .order_by("-expires_at").first()
    )
    return link if link is not None else create_portal_link(invoice, now)


def revoke_portal_link(link: PortalLink, now: dt.datetime | None = None) -> PortalLink:
    """The link no longer opens the invoice; revoking twice keeps the first moment."""
    if link.revoked_at is None:
        link.revoked_at = now or clock.now()
        link.save(update_fields=["revoked_at"])
    return link


def revoke_portal_links(links: list[PortalLink], now: dt.datetime | None = None) -> int:
    """Revoke several links at once (ending a client relationship); links revoked before
    keep their first moment. Returns how many were still open."""
    return PortalLink.objects.filter(pk__in=[link.pk for link in links],
                                     revoked_at__isnull=True).update(
        revoked_at=now or clock.now())
