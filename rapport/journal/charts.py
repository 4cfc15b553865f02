"""The yearly review as one picture: per client a bar for the year's revenue, coloured
by whether the client made you happy or cost you, and twelve squares for the health at
each month's end. Server-rendered SVG, every text escaped, colours as attributes (no
inline styles, no scripts)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.health.assessment import STATUS_LABELS
from rapport.health.charts import _money
from rapport.journal.review import COST, HAPPY, MIXED, YearReview

VERDICT_COLOURS = {HAPPY: "#2e7d32", MIXED: "#9e9e9e", COST: "#c62828"}
HEALTH_COLOURS = {"none": "#a5d6a7", "watch": "#ffb74d", "present": "#e57373", "": "#eeeeee"}
W, ROW, TOP, NAME_W, BAR_X, BAR_W, CELL = 760, 30, 44, 190, 200, 250, 20
STRIP_X = BAR_X + BAR_W + 70


def verdict_labels() -> dict[str, str]:
    return {HAPPY: _("made you happy"), MIXED: _("mixed"), COST: _("cost you")}


def _short(name: str, limit: int = 26) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


def year_svg(data: YearReview) -> SafeString:
    labels = verdict_labels()
    height = TOP + ROW * max(len(data.clients), 1) + 50
    top_revenue = max([float(c.revenue) for c in data.clients] + [1.0])
    title = _("%(year)s: revenue and health per client") % {"year": data.year}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" role="img" '
        f'aria-labelledby="year-title" class="health-chart year-chart" '
        f'data-testid="year-chart" width="100%">',
        f'<title id="year-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{W}" height="{height}" fill="#fff"/>',
        f'<text x="{BAR_X}" y="16" font-size="12" fill="#444">'
        f'{escape(_("Revenue in %(currency)s") % {"currency": data.currency})}</text>',
        f'<text x="{STRIP_X}" y="16" font-size="12" fill="#444">'
        f'{escape(_("Health at each month’s end"))}</text>',
    ]
    for month in range(12):
        label = formats.date_format(dt.date(data.year, month + 1, 1), "M")[:1]
        parts.append(f'<text x="{STRIP_X + month * CELL + 8}" y="{TOP - 8}" font-size="10" '
                     f'text-anchor="middle" fill="#666">{escape(label)}</text>')
    for row, item in enumerate(data.clients):
        y = TOP + row * ROW
        width = BAR_W * float(item.revenue) / top_revenue
        verdict = item.verdict
        parts.append(
            f'<a href="{escape(item.client.get_absolute_url())}">'
            f'<text x="8" y="{y + 17}" font-size="13" fill="#222">'
            f'{escape(_short(item.client.name))}</text></a>')
        parts.append(
            f'<rect x="{BAR_X}" y="{y + 5}" width="{max(width, 2):.1f}" height="16" rx="2" '
            f'fill="{VERDICT_COLOURS[verdict]}" data-verdict="{verdict}">'
            f'<title>{escape(item.client.name)}: {escape(labels[verdict])}</title></rect>')
        parts.append(f'<text x="{BAR_X + max(width, 2) + 6:.1f}" y="{y + 17}" font-size="11" '
                     f'fill="#333">{escape(_money(item.revenue))}</text>')
        for month, status in enumerate(item.months):
            name = formats.date_format(dt.date(data.year, month + 1, 1), "F")
            state = str(STATUS_LABELS[status]) if status else _("not yet")
            parts.append(
                f'<rect x="{STRIP_X + month * CELL}" y="{y + 5}" width="{CELL - 4}" '
                f'height="16" rx="2" fill="{HEALTH_COLOURS[status]}" '
                f'data-status="{status or "future"}"><title>{escape(name)}: '
                f'{escape(state)}</title></rect>')
    y = height - 22
    x = 8
    for verdict in (HAPPY, MIXED, COST):
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" '
                     f'fill="{VERDICT_COLOURS[verdict]}"/>'
                     f'<text x="{x + 16}" y="{y}" font-size="11">{escape(labels[verdict])}</text>')
        x += 34 + 6.5 * len(labels[verdict])
    x = STRIP_X
    for status in ("none", "watch", "present"):
        label = str(STATUS_LABELS[status])
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" '
                     f'fill="{HEALTH_COLOURS[status]}"/>'
                     f'<text x="{x + 16}" y="{y}" font-size="11">{escape(label)}</text>')
        x += 30 + 6.5 * len(label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every piece of text is escaped above
