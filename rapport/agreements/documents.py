"""PDFs of proposals and contracts in the client's language, acceptance record last."""

from __future__ import annotations

from rapport.agreements.models import Acceptance, Contract, ProposalVersion
from rapport.core.documents import render_pdf as pdf_from_template


def render_pdf(version: ProposalVersion, contract: Contract | None = None) -> bytes:
    acceptance = Acceptance.objects.filter(version=version).first()
    return pdf_from_template("agreements/pdf/document.html", {
        "version": version, "proposal": version.proposal, "contract": contract,
        "acceptance": acceptance, "workspace": version.workspace,
    }, version.proposal.language)
