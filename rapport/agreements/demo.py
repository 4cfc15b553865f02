"""Demo data of this app, added to the demo workspace by `rapport demo`."""

from __future__ import annotations

import datetime as dt

from rapport.agreements import services
from rapport.agreements.models import Comment, Contract, Proposal, ProposalVersion
from rapport.audit.context import PORTAL, Actor, acting
from rapport.clients.models import Client, Project
from rapport.core import clock
from rapport.core.models import Workspace

_EVIDENCE = services.Evidence(name="Miriam Vogt", agreed=True, ip_address="192.0.2.41",
                              user_agent="Mozilla/5.0 (Macintosh) Safari/605.1.15")


def _moment(day: dt.date) -> dt.datetime:
    with clock.travel(day):
        return clock.now()


def _proposal(workspace: Workspace, client: Client, title: str, *,
              project: Project | None = None, **cost: object) -> Proposal:
    proposal = services.new_proposal(workspace, client, title=title, language="de",
                                     project=project)
    content = proposal.content
    content["cost"].update(cost)
    proposal.content = content
    proposal.save()
    return proposal


def _dated_now(proposal: Proposal) -> None:
    """Date the proposal and its latest version at the story's moment (`clock.now()`), not
    at the moment the demo was loaded."""
    Proposal.objects.filter(pk=proposal.pk).update(created_at=clock.now())
    ProposalVersion.objects.filter(proposal=proposal).update(created_at=clock.now())


def add_demo_data(workspace: Workspace, today: dt.date) -> None:
    """A proposal awaiting acceptance, an expired offer, a contract with deposit and a
    change order waiting for the client."""
    radwerk = Client.objects.filter(workspace=workspace, name="Radwerk Kollektiv eG").first()
    gruenwerk = Client.objects.filter(workspace=workspace, name="Grünwerk Solar GmbH").first()
    if radwerk:
        with clock.travel(today - dt.timedelta(days=45)):
            old = _proposal(workspace, radwerk, "Mitgliedermagazin (Pilotausgabe)",
                            amount="1800.00", deposit_percent="50.00")
            services.send(old)
            _dated_now(old)
        with clock.travel(old.valid_until + dt.timedelta(days=1)), acting(Actor()):
            services.expire_offers(workspace)  # the tick did this, the day after
        project = Project.objects.filter(client=radwerk).first()
        with clock.travel(today - dt.timedelta(days=4)):
            proposal = _proposal(workspace, radwerk, "Jahresbericht für Mitglieder",
                                 project=project, amount="3200.00", deposit_percent="50.00")
            content = proposal.content
            content["what"]["deliverables"] = [
                "Jahresbericht mit 16 Seiten Text (ca. 6.000 Wörter), redigiert",
                "Fünf Kurzporträts von Mitgliedern (je 1.500 Zeichen)",
            ]
            proposal.content = content
            proposal.save()
            services.send(proposal)
            _dated_now(proposal)
        version = proposal.current_version
        Comment.objects.create(workspace=workspace, proposal=proposal, version=version,
                               name="Merve Yıldız", at=_moment(today - dt.timedelta(days=2)),
                               text="Können die Porträts auch als Audio-Interview entstehen?")
    if gruenwerk:
        website = Project.objects.filter(client=gruenwerk, name__startswith="Website").first()
        start = website.start_date if website and website.start_date else today
        with clock.travel(start - dt.timedelta(days=10)):
            proposal = _proposal(workspace, gruenwerk, "Website-Relaunch: Texte für 12 Seiten",
                                 project=website, amount="4800.00", deposit_percent="50.00",
                                 late_fees=False)
            content = proposal.content
            content["what"]["deliverables"] = ["12 Seiten à 300–600 Wörter",
                                               "Zwei Korrekturrunden je Seite"]
            content["what"]["out_of_scope"] = ["Bildunterschriften", "Newsletter",
                                               "Social-Media-Posts", "SEO-Metadaten",
                                               "Upload ins CMS"]
            content["when"]["milestones"] = [
                {"label": "Seitenstruktur und Zugänge", "party": "client",
                 "date": (start - dt.timedelta(days=3)).isoformat(), "after": None,
                 "working_days": 0},
                {"label": "Texte aller 12 Seiten", "party": "freelancer",
                 "date": (website.end_date if website and website.end_date
                          else today + dt.timedelta(days=14)).isoformat(),
                 "after": None, "working_days": 0},
            ]
            content["term"] = {"months": None, "start": start.isoformat(),
                               "rate_review_on": None}
            proposal.content = content
            proposal.save()
            services.send(proposal)
            _dated_now(proposal)
            version = proposal.current_version
        with clock.travel(start - dt.timedelta(days=7)):
            with acting(Actor(label=PORTAL)):  # the client accepted through their link
                contract = services.accept(proposal, version.number, version.sha256,
                                           _EVIDENCE)
            services.countersign(contract, "Lena Hoffmann")
            Contract.objects.filter(pk=contract.pk).update(created_at=clock.now())
        change = services.new_change_order(
            contract, "Zwei zusätzliche Landingpages für die Wärmepumpen-Kampagne "
            "(je ca. 600 Wörter, eine Korrekturrunde)", "680.00",
            (contract.end_date or today) + dt.timedelta(days=14))
        services.send_change_order(change)
