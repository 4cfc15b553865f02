"""One page for the whole proposal: plain fields, lists one item per line."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.agreements import deadlines
from rapport.agreements.models import Proposal, ProposalTemplate
from rapport.agreements.services import RATE_LABELS, VALID_DAYS
from rapport.clients.models import Client
from rapport.core import clock
from rapport.core.choices import Channel, Language
from rapport.core.dates import short_date

RATE_TYPES = RATE_LABELS

# (section, key, kind, label)
FIELDS: list[tuple[str, str, str, object]] = [
    ("", "intro", "text", _("Introduction")),
    ("what", "deliverables", "lines", _("Deliverables (one per line, with specifics)")),
    ("what", "out_of_scope", "lines", _("Out of scope (one per line)")),
    ("what", "retainer_work", "lines", _("Retainer: kinds of work included (one per line)")),
    ("what", "retainer_hours", "str", _("Retainer: hours included per month")),
    ("when", "milestones", "milestones", _("Deadlines of both sides (one per line)")),
    ("when", "office_hours", "str", _("Office hours")),
    ("when", "time_zone", "str", _("Time zone")),
    ("when", "channels", "channels", _("Preferred channels")),
    ("when", "max_calls_per_week", "int", _("Maximum calls per week")),
    ("when", "response_time", "str", _("Response times")),
    ("how", "revision_rounds", "int", _("Revision rounds included")),
    ("how", "tools", "lines", _("Tools (one per line)")),
    ("how", "formats", "lines", _("File formats (one per line)")),
    ("how", "research_depth", "text", _("Depth of research")),
    ("how", "subcontractors", "lines", _("Subcontractors and lead times (one per line)")),
    ("cost", "rate_type", "rate_type", _("Rate type")),
    ("cost", "amount", "decimal", _("Amount")),
    ("cost", "currency", "str", _("Currency")),
    ("cost", "deposit_percent", "decimal", _("Deposit (%)")),
    ("cost", "late_fees", "bool", _("Include late-fee terms")),
    ("terms", "late_fee_text", "text", _("Late-fee terms")),
    ("cost", "extra_revision_price", "decimal", _("Price of an extra revision round")),
    ("cost", "rush_fee", "str", _("Rush fee")),
    ("cost", "out_of_scope_rate", "decimal", _("Hourly rate for out-of-scope work")),
    ("cost", "expenses", "text", _("Expenses and travel")),
    ("term", "months", "int", _("Term (months)")),
    ("term", "start", "date", _("Start")),
    ("term", "rate_review_on", "date", _("Rate review on")),
    ("terms", "ownership", "text", _("Ownership")),
    ("terms", "usage_granted", "lines", _("Usage rights granted (one per line)")),
    ("terms", "usage_not_granted", "lines", _("Usage rights not granted (one per line)")),
    ("terms", "credit", "text", _("Credit or ghost-writing")),
    ("terms", "portfolio", "text", _("Portfolio rights")),
    ("terms", "termination", "text", _("Early termination and kill fee")),
    ("terms", "validity", "text", _("Validity of the offer")),
    ("terms", "additional", "lines", _("Further terms (one per line)")),
]


def _name(section: str, key: str) -> str:
    return f"{section}__{key}" if section else key


class NewProposalForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), label=_("Client"))
    title = forms.CharField(label=_("Title"), max_length=200)
    template = forms.ChoiceField(label=_("Template"), required=False)

    def __init__(self, *args: object, workspace: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(workspace=workspace)
        choices = [("", _("Shipped template in the client's language")),
                   ("shipped:de", _("Shipped template (German)")),
                   ("shipped:en", _("Shipped template (English)"))]
        choices += [(str(t.pk), t.name)
                    for t in ProposalTemplate.objects.filter(workspace=workspace)]
        self.fields["template"].choices = choices


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    valid_until = forms.DateField(label=_("Valid until"),
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: object, proposal: Proposal, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        content = proposal.content
        self.initial.update(title=proposal.title, language=proposal.language,
                            valid_until=proposal.valid_until)
        if proposal.status == Proposal.Status.EXPIRED or proposal.is_expired():
            # Editing an expired offer is renewing it: propose a fresh validity date.
            self.initial["valid_until"] = clock.today() + dt.timedelta(days=VALID_DAYS)
            self.fields["valid_until"].help_text = _(
                "The offer expired on %(date)s. Saving with this new date offers it to the "
                "client again, as a new version.") % {"date": short_date(proposal.valid_until)}
        for section, key, kind, label in FIELDS:
            name = _name(section, key)
            value = (content.get(section, {}) if section else content).get(key)
            self.fields[name] = self._field(kind, label)
            self.initial[name] = self._to_initial(kind, value)
        self.fields["when__milestones"].help_text = _(
            "“client: Briefing interview = 2026-03-02” or “me: First draft = 5 working days "
            "after Briefing interview”.")

    @staticmethod
    def _field(kind: str, label: object) -> forms.Field:
        area = forms.Textarea(attrs={"rows": 3})
        return {
            "text": lambda: forms.CharField(label=label, required=False, widget=area),
            "lines": lambda: forms.CharField(label=label, required=False, widget=area),
            "milestones": lambda: forms.CharField(label=label, required=False,
                                                  widget=forms.Textarea(attrs={"rows": 5})),
            "str": lambda: forms.CharField(label=label, required=False),
            "int": lambda: forms.IntegerField(label=label, required=False, min_value=0),
            "decimal": lambda: forms.DecimalField(label=label, required=False, min_value=0,
                                                  decimal_places=2),
            "bool": lambda: forms.BooleanField(label=label, required=False),
            "date": lambda: forms.DateField(label=label, required=False,
                                            widget=forms.DateInput(attrs={"type": "date"})),
            "rate_type": lambda: forms.ChoiceField(label=label, choices=RATE_TYPES),
            "channels": lambda: forms.MultipleChoiceField(
                label=label, required=False, choices=Channel.choices,
                widget=forms.CheckboxSelectMultiple),
        }[kind]()

    def _to_initial(self, kind: str, value: object) -> object:
        if kind == "lines":
            return "\n".join(value or [])
        if kind == "milestones":
            return "\n".join(deadlines.format_line(deadlines.Milestone.from_dict(m),
                                                   self.proposal.language)
                             for m in value or [])
        return value

    def clean_when__milestones(self) -> list[dict]:
        result = []
        for line in self.cleaned_data["when__milestones"].splitlines():
            if not line.strip():
                continue
            try:
                result.append(deadlines.parse_line(line).to_dict())
            except ValueError as exc:
                raise forms.ValidationError(
                    _("Cannot read “%(line)s”. Write “client: Input = 2026-03-02” or "
                      "“me: Delivery = 5 working days after Input”."),
                    params={"line": line.strip()}) from exc
        labels = {m["label"] for m in result}
        for m in result:
            if m["after"] and m["after"] not in labels:
                raise forms.ValidationError(_("“%(label)s” depends on an unknown deadline."),
                                            params={"label": m["label"]})
        if len(labels) != len(result):
            raise forms.ValidationError(_("Give every deadline its own name."))
        try:
            deadlines.schedule([deadlines.Milestone.from_dict(m) for m in result])
        except ValueError as exc:
            raise forms.ValidationError(_("These deadlines depend on each other in a circle."),
                                        ) from exc
        return result

    def content(self) -> dict:
        content = copy.deepcopy(self.proposal.content)
        for section, key, kind, _label in FIELDS:
            value = self.cleaned_data.get(_name(section, key))
            if kind == "lines":
                value = [line.strip() for line in (value or "").splitlines() if line.strip()]
            elif kind == "decimal":
                value = f"{Decimal(value):.2f}" if value is not None else ""
            elif kind == "date":
                value = value.isoformat() if value else None
            elif kind in ("text", "str"):
                value = (value or "").strip()
            target = content.setdefault(section, {}) if section else content
            target[key] = value
        return content


class WithdrawForm(forms.Form):
    """The second step before withdrawing: an optional reason and an explicit tick."""

    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only for your records; the client is not shown it."))
    confirm = forms.BooleanField(
        label=_("Withdraw this offer: the client can no longer accept it."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")})
