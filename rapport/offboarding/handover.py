"""The handover document and letter.

The document is a PDF in the client's language: where the work stands (projects,
deliverables done and open, invoices still open, the notes on where you stopped) and the
procedures, step by step with their screenshots, so anyone can take over. The letter is
the "handover" script, sent to the client's addresses with the PDF attached, under the
same rules as every mail the app sends (`rapport.clients.outbound`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rapport.billing.models import Deliverable
from rapport.billing.services import image_data_uri
from rapport.clients import outbound
from rapport.clients.models import Client, Note, OutboundMail, Project
from rapport.core import clock
from rapport.core.documents import html_to_pdf, render_document
from rapport.core.money import format_money
from rapport.health.scripts import context_for, fill, get_script
from rapport.offboarding import checklist
from rapport.offboarding.markdown import to_html
from rapport.offboarding.models import ChecklistItem, Procedure


@dataclass
class ProjectStatus:
    project: Project
    done: list[Deliverable] = field(default_factory=list)
    open: list[Deliverable] = field(default_factory=list)
    where_i_stopped: str = ""


def project_status(client: Client) -> list[ProjectStatus]:
    """Every project that is not cancelled, with its deliverables and the note on where
    the work stopped (from the checklist)."""
    notes = {item.ref: item.note for item in ChecklistItem.objects.filter(
        client=client, kind=ChecklistItem.Kind.FINISH_WORK).exclude(note="")
        .order_by("closed_at", "pk")}
    rows = []
    for project in client.projects.exclude(status=Project.Status.CANCELLED).order_by("pk"):
        row = ProjectStatus(project, where_i_stopped=notes.get(f"project:{project.pk}", ""))
        for item in project.deliverables.order_by("pk"):
            finished = item.status in (Deliverable.Status.FINISHED, Deliverable.Status.RELEASED)
            (row.done if finished else row.open).append(item)
        rows.append(row)
    return rows


def procedures(client: Client) -> list[tuple[Procedure, str, list[tuple[str, str]]]]:
    """(procedure, its steps as safe HTML, [(screenshot data URI, caption)])."""
    result = []
    for procedure in client.procedures.prefetch_related("screenshots"):
        shots = [(image_data_uri(s.image), s.caption) for s in procedure.screenshots.all()]
        result.append((procedure, to_html(procedure.steps), [s for s in shots if s[0]]))
    return result


def render_html(client: Client) -> str:
    return render_document("offboarding/pdf/handover.html", lambda: {
        "client": client, "workspace": client.workspace, "today": clock.today(),
        "projects": project_status(client),
        "open_invoices": checklist.open_invoices(client),
        "procedures": procedures(client),
    }, client.language)


def render_pdf(client: Client) -> bytes:
    from weasyprint.urls import URLFetcher  # loads Pango; only when a PDF is really made

    # Nothing is fetched from outside: the screenshots are embedded as data URIs.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return html_to_pdf(render_html(client), url_fetcher=fetcher)


def document_name(client: Client) -> str:
    with translation.override(client.language):
        return f"{slugify(_('Handover'))}-{slugify(client.name) or client.pk}.pdf"


def letter(client: Client, sender: str = "") -> tuple[str, str]:
    """Subject and body of the handover letter in the client's language (the workspace's
    own version of the script if it has one). In the shipped text, the points "finished",
    "in progress" and "still open" are filled in from the project status."""
    script = get_script(client.workspace, "handover", client.language)
    context = context_for(client, sender)
    body = fill(script.body, context)
    if not script.custom:
        for value in status_points(client):
            body = body.replace("…", value, 1)
    return fill(script.subject, context), body


def status_points(client: Client) -> list[str]:
    """What is finished, what is in progress (and where it stopped), what is still open:
    three short lines in the client's language."""
    rows = project_status(client)
    with translation.override(client.language):
        finished = [item.name for row in rows for item in row.done]
        finished += [row.project.name for row in rows
                     if row.project.status == Project.Status.COMPLETED]
        in_progress = [f"{row.project.name}: {' '.join(row.where_i_stopped.split())}"
                       if row.where_i_stopped else row.project.name
                       for row in rows if row.project.status in checklist.OPEN_PROJECT]
        still_open = [item.name for row in rows for item in row.open]
        still_open += [_("invoice %(number)s (%(amount)s)") % {
            "number": invoice.number,
            "amount": format_money(invoice.balance(), invoice.currency, client.language)}
            for invoice in checklist.open_invoices(client)]
    return ["; ".join(points) or "—" for points in (finished, in_progress, still_open)]


def send_letter(client: Client, *, subject: str, body: str, to: list[str],
                user: object = None, confirm: bool = False) -> Note:
    """Mail the letter with the handover PDF attached and note it on the client's timeline.

    Only to the client's addresses (others once confirmed), within the hourly limit; an
    SMTP failure raises before anything is recorded."""
    to = [address.strip() for address in to if address.strip()]
    if not to:
        raise ValidationError(_("Enter at least one address."))
    if not subject.strip() or not body.strip():
        raise ValidationError(_("The letter needs a subject and a text."))
    workspace = client.workspace
    outbound.check_recipients(client, to, confirm=confirm, user=user)
    outbound.check_quota(workspace, len(to))
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=to,
                           from_email=outbound.from_address(workspace),
                           reply_to=outbound.reply_to_for(workspace, user) or None)
    message.attach(document_name(client), render_pdf(client), "application/pdf")
    outbound.send(message, workspace=workspace, kind=OutboundMail.Kind.HANDOVER)
    return Note.objects.create(
        workspace=workspace, client=client, kind=Note.Kind.NOTE,
        created_by=user if getattr(user, "pk", None) else None,
        text=_("Handover letter sent to %(to)s: %(subject)s") % {
            "to": ", ".join(to), "subject": subject})
