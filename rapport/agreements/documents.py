"""PDFs of proposals and contracts in the client's language, acceptance record last."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from rapport.agreements.models import Acceptance, Contract, ProposalVersion
from rapport.core.pdf import html_to_pdf


def render_pdf(version: ProposalVersion, contract: Contract | None = None) -> bytes:
    acceptance = Acceptance.objects.filter(version=version).first()
    with translation.override(version.proposal.language):
        html = render_to_string("agreements/pdf/document.html", {
            "version": version, "proposal": version.proposal, "contract": contract,
            "acceptance": acceptance, "workspace": version.workspace,
        })
    return html_to_pdf(html)
