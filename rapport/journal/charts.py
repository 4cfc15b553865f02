"""The yearly review as one picture: per client a bar for the year's revenue, coloured
by whether the client made you happy or cost you, and twelve squares for the health at
each month's end. Server-rendered SVG, every text escaped, colours as attributes (no
inline styles, no scripts)."""

from __future__ import annotations

import datetime as dt

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rapport.health.assessment import NONE, PRESENT, STATUS_LABELS, WATCH
from rapport.health.charts import _money
from rapport.journal.review import COST, HAPPY, MIXED, YearReview

VERDICT_COLOURS = {HAPPY: "#2e7d32", MIXED: "#9e9e9e", COST: "#c62828"}
HEALTH_COLOURS = {NONE: "#a5d6a7", WATCH: "#ffb74d", PRESENT: "#e57373", "": "#eeeeee"}
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
    parts = [format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="year-title" class="health-chart year-chart" '
        'data-testid="year-chart" width="100%">'
        '<title id="year-title">{}</title>'
        '<rect x="0" y="0" width="{}" height="{}" fill="#fff"/>'
        '<text x="{}" y="16" font-size="12" fill="#444">{}</text>'
        '<text x="{}" y="16" font-size="12" fill="#444">{}</text>',
        W, height, title, W, height,
        BAR_X, _("Net revenue in %(currency)s") % {"currency": data.currency},
        STRIP_X, _("Health at each month’s end"))]
    for month in range(12):
        label = formats.date_format(dt.date(data.year, month + 1, 1), "M")[:1]
        parts.append(format_html('<text x="{}" y="{}" font-size="10" text-anchor="middle" '
                                 'fill="#666">{}</text>', STRIP_X + month * CELL + 8, TOP - 8,
                                 label))
    for row, item in enumerate(data.clients):
        y = TOP + row * ROW
        width = max(BAR_W * float(item.revenue) / top_revenue, 2)
        verdict = item.verdict
        parts.append(format_html(
            '<a href="{}"><text x="8" y="{}" font-size="13" fill="#222">{}</text></a>'
            '<rect x="{}" y="{}" width="{}" height="16" rx="2" fill="{}" data-verdict="{}">'
            '<title>{}: {}</title></rect>'
            '<text x="{}" y="{}" font-size="11" fill="#333">{}</text>',
            item.client.get_absolute_url(), y + 17, _short(item.client.name),
            BAR_X, y + 5, f"{width:.1f}", VERDICT_COLOURS[verdict], verdict,
            item.client.name, labels[verdict],
            f"{BAR_X + width + 6:.1f}", y + 17, _money(item.revenue)))
        for month, status in enumerate(item.months):
            name = formats.date_format(dt.date(data.year, month + 1, 1), "F")
            state = str(STATUS_LABELS[status]) if status else _("not yet")
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="16" rx="2" fill="{}" '
                'data-status="{}"><title>{}: {}</title></rect>',
                STRIP_X + month * CELL, y + 5, CELL - 4, HEALTH_COLOURS[status],
                status or "future", name, state))
    y = height - 22
    x = 8
    for verdict in (HAPPY, MIXED, COST):
        parts.append(_legend(x, y, VERDICT_COLOURS[verdict], labels[verdict]))
        x += 34 + 6.5 * len(labels[verdict])
    x = STRIP_X
    for status in (NONE, WATCH, PRESENT):
        label = str(STATUS_LABELS[status])
        parts.append(_legend(x, y, HEALTH_COLOURS[status], label))
        x += 30 + 6.5 * len(label)
    return format_html("{}</svg>", format_html_join("", "{}", ((part,) for part in parts)))


def _legend(x: float, y: int, colour: str, label: str) -> SafeString:
    return format_html('<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
                       '<text x="{}" y="{}" font-size="11">{}</text>',
                       x, y - 10, colour, x + 16, y, label)
