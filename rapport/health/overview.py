"""The rows of the portfolio table, written in Python.

The overview lists every client; with hundreds of them the template loop was most of the
page's time. Plain string formatting costs a millisecond; every text is escaped with
`html.escape` before it is put in."""

from __future__ import annotations

from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.health.assessment import PRESENT, WATCH, ClientHealth


def portfolio_rows(portfolio: list[ClientHealth]) -> SafeString:
    words = {PRESENT: escape(_("red")), WATCH: escape(_("amber"))}
    green = escape(_("green"))
    labels: dict[str, str] = {}
    rows = []
    for h in portfolio:
        tags = " ".join(f'<span class="status-{s.status} sign-tag">{escape(s.label)}</span>'
                        for s in h.flagged)
        value = h.value
        share = f"{round(value.share * 100)} %" if value.share is not None else "–"
        key = h.recommendation.key
        if key not in labels:
            labels[key] = escape(h.recommendation.label)
        rows.append(
            f'<tr data-testid="health-row-{h.client.pk}" class="health-{h.status}">'
            f'<td><a href="{escape(h.url)}">{escape(h.client.name)}</a></td>'
            f'<td><span class="badge status-{h.status}" data-testid="health-status">'
            f"{words.get(h.status, green)}</span></td><td>{tags}</td>"
            f"<td>{number_format(value.revenue, 0, use_l10n=True, force_grouping=True)}</td>"
            f"<td>{share}</td><td>{value.enjoyment if value.enjoyment is not None else '–'}"
            f"</td><td>{labels[key]}</td></tr>")
    return mark_safe("\n".join(rows))  # noqa: S308  every text is escaped above
