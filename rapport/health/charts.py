"""Small server-side SVG charts: no JavaScript, readable in both languages (the labels
come in translated), escaped text only."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.billing.models import Invoice
from rapport.clients.models import Client
from rapport.comms.models import Direction, Message
from rapport.health.assessment import RECOMMENDATIONS
from rapport.signals.models import Signal, SignalKind

if TYPE_CHECKING:
    from rapport.health.overview import Row

COLOURS = {"none": "#2e7d32", "watch": "#ef8f00", "present": "#c62828"}
W, H, PAD, TOP = 720, 340, 56, 16


def _money(value: Decimal) -> str:
    """12.495 (de) or 12,495 (en): grouped as the reader writes numbers."""
    return formats.number_format(round(value), use_l10n=True, force_grouping=True)


def _number(value: float, places: int = 1) -> str:
    """43,1 (de) or 43.1 (en)."""
    return formats.number_format(round(value, places), places, use_l10n=True)


def portfolio_svg(portfolio: list[Row], currency: str) -> SafeString:
    """Each client as a dot: value (revenue of 12 months, in the workspace `currency` every
    client's revenue is converted into) across, friction up."""
    title, y_label = _("Portfolio: value against friction"), \
        _("Friction (weighted warning signals)")
    x_label = _("Net revenue, last 12 months, in %(currency)s") % {"currency": currency}
    max_x = max([float(h.revenue) for h in portfolio] + [1.0]) * 1.05
    max_y = max([h.friction for h in portfolio] + [3.0]) * 1.15
    pw, ph = W - 2 * PAD, H - PAD - TOP

    def x(v: float) -> float:
        return PAD + pw * v / max_x

    def y(v: float) -> float:
        return H - PAD - ph * v / max_y

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="pf-title" class="health-chart" data-testid="portfolio-chart" '
        f'style="max-width:100%;height:auto;font-family:sans-serif">',
        f'<title id="pf-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{W}" height="{H}" fill="#fff"/>',
        # quadrants: right-bottom is where good clients live
        f'<rect x="{PAD + pw / 2}" y="{TOP + ph / 2}" width="{pw / 2}" height="{ph / 2}" '
        f'fill="#e8f5e9"/>',
        f'<rect x="{PAD}" y="{TOP}" width="{pw / 2}" height="{ph / 2}" fill="#fdecea"/>',
        f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#333"/>',
        f'<line x1="{PAD}" y1="{TOP}" x2="{PAD}" y2="{H - PAD}" stroke="#333"/>',
        f'<text x="{W / 2}" y="{H - 14}" text-anchor="middle" font-size="13">'
        f'{escape(x_label)}</text>',
        f'<text x="16" y="{H / 2}" text-anchor="middle" font-size="13" '
        f'transform="rotate(-90 16 {H / 2})">{escape(y_label)}</text>',
        f'<text x="{PAD}" y="{H - PAD + 16}" font-size="11">0</text>',
        f'<text x="{W - PAD}" y="{H - PAD + 16}" font-size="11" text-anchor="end">'
        f'{_money(Decimal(max_x))}</text>',
        f'<text x="{PAD - 6}" y="{TOP + 8}" font-size="11" text-anchor="end">'
        f'{_number(max_y)}</text>',
    ]
    # One dot per client: escaped with the standard library's `html.escape` (what
    # Django's `escape` calls, without its lazy-text wrapper), each label once.
    labels = {key: html.escape(str(label)) for key, label in RECOMMENDATIONS.items()}
    for h in portfolio:
        cx, cy = x(float(h.revenue)), y(h.friction)
        anchor = "end" if cx > W - PAD - 120 else "start"
        dx = -9 if anchor == "end" else 9
        name = html.escape(h.name)
        parts.append(
            f'<a href="{h.url}"><circle cx="{cx:.1f}" cy="{cy:.1f}" r="7" '
            f'fill="{COLOURS[h.status]}" stroke="#fff" stroke-width="1.5">'
            f'<title>{name}: {labels[h.recommendation]}</title></circle>'
            f'<text x="{cx + dx:.1f}" y="{cy - 8:.1f}" font-size="12" text-anchor="{anchor}" '
            f'fill="#222">'
            f'{name}</text></a>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every piece of text is escaped above


def _months(today: dt.date, count: int = 12) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _i in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def client_chart_data(client: Client, today: dt.date) -> dict:
    invoices = (Invoice.objects.filter(workspace=client.workspace, client=client,
                                       state=Invoice.State.ISSUED, due_date__isnull=False)
                .exclude(kind=Invoice.Kind.CANCELLATION).prefetch_related("payments")
                .order_by("issue_date", "pk"))
    lateness = [(inv.number, inv.days_late(today)) for inv in invoices][-12:]
    months = _months(today)
    start = dt.datetime.combine(months[0], dt.time.min, tzinfo=client.workspace.tz)
    total = dict(Message.objects.filter(workspace=client.workspace, client=client,
                                        direction=Direction.INBOUND, date__gte=start)
                 .annotate(m=TruncMonth("date", tzinfo=client.workspace.tz))
                 .values_list("m").annotate(n=Count("pk")).order_by())
    after = defaultdict(set)
    for occurred, source_id in (Signal.objects.filter(
            workspace=client.workspace, client=client, dismissed_at__isnull=True,
            kind__in=[SignalKind.AFTER_HOURS, SignalKind.LATE_NIGHT], occurred_at__gte=start)
            .values_list("occurred_at", "source_id")):
        local = occurred.astimezone(client.workspace.tz)
        after[dt.date(local.year, local.month, 1)].add(source_id)
    totals = {(k.date() if isinstance(k, dt.datetime) else k): v for k, v in total.items()}
    share = []
    for month in months:
        n = totals.get(month, 0)
        share.append((month, (len(after[month]) / n) if n else None))
    return {"lateness": lateness, "after_hours": share}


def client_svg(data: dict) -> SafeString:
    """Bars: days late per invoice. Line: share of the client's messages after hours."""
    w, h, pad = 720, 300, 48
    half = (w - 3 * pad) / 2
    ph = h - 2 * pad
    lateness = data["lateness"]
    shares = data["after_hours"]
    max_late = max([d for _n, d in lateness] + [14])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
        f'class="health-chart" data-testid="client-chart" '
        f'style="max-width:100%;height:auto;font-family:sans-serif">',
        f'<rect width="{w}" height="{h}" fill="#fff"/>',
        f'<text x="{pad}" y="22" font-size="13">{escape(_("Days late per invoice"))}</text>',
        f'<text x="{2 * pad + half}" y="22" font-size="13">'
        f'{escape(_("Messages after hours, per month"))}</text>',
        f'<line x1="{pad}" y1="{h - pad}" x2="{pad + half}" y2="{h - pad}" stroke="#333"/>',
        f'<text x="{pad - 4}" y="{pad + 4}" font-size="11" text-anchor="end">{max_late}</text>',
        f'<text x="{pad - 4}" y="{h - pad}" font-size="11" text-anchor="end">0</text>',
    ]
    if not lateness:
        parts.append(f'<text x="{pad + 10}" y="{h / 2}" font-size="12">'
                     f'{escape(_("No invoices yet."))}</text>')
    step = half / max(len(lateness), 1)
    for i, (number, days) in enumerate(lateness):
        bh = ph * days / max_late
        colour = "#2e7d32" if days == 0 else ("#ef8f00" if days <= 14 else "#c62828")
        bx = pad + i * step + step * 0.15
        parts.append(
            f'<rect x="{bx:.1f}" y="{h - pad - bh:.1f}" width="{step * 0.7:.1f}" '
            f'height="{max(bh, 1):.1f}" fill="{colour}"><title>{escape(number)}: '
            f'{days}</title></rect>'
            f'<text x="{bx + step * 0.35:.1f}" y="{h - pad - bh - 4:.1f}" font-size="10" '
            f'text-anchor="middle">{days}</text>')
    ox = 2 * pad + half
    parts += [
        f'<line x1="{ox}" y1="{h - pad}" x2="{ox + half}" y2="{h - pad}" stroke="#333"/>',
        f'<text x="{ox - 4}" y="{pad + 4}" font-size="11" text-anchor="end">100 %</text>',
        f'<text x="{ox - 4}" y="{h - pad}" font-size="11" text-anchor="end">0</text>',
    ]
    step = half / len(shares)
    points = []
    for i, (month, share) in enumerate(shares):
        px = ox + i * step + step / 2
        parts.append(f'<text x="{px:.1f}" y="{h - pad + 14}" font-size="9" '
                     f'text-anchor="middle">{month:%m/%y}</text>')
        if share is not None:
            py = h - pad - ph * share
            points.append(f"{px:.1f},{py:.1f}")
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="#5c6bc0">'
                         f'<title>{formats.date_format(month, "YEAR_MONTH_FORMAT")}: '
                         f'{round(share * 100)} %</title></circle>')
    if len(points) > 1:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#5c6bc0" '
                     f'stroke-width="2"/>')
    if not points:
        parts.append(f'<text x="{ox + 10}" y="{h / 2}" font-size="12">'
                     f'{escape(_("No messages yet."))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every piece of text is escaped above
