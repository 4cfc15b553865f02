"""The real hourly rate per month as a small server-side SVG bar chart, with the
contracted rate as a dashed line (no JavaScript; labels come in translated)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rapport.extras.rate import RealRate

W, H, PAD, TOP = 560, 200, 48, 24


def _amount(value: Decimal) -> str:
    return formats.number_format(round(value), use_l10n=True, force_grouping=True)


def rate_svg(rate: RealRate, contracted: Decimal | None) -> SafeString:
    """Bars: revenue ÷ hours per month (in the workspace currency); a month without hours
    or without revenue has no bar. `contracted` (same currency) is drawn as a line.
    Without a single bar there is nothing to compare: no chart at all (the page says why)."""
    if not any(month.rate for month in rate.months):
        return SafeString("")
    title = _("Real hourly rate per month, in %(currency)s") % {"currency": rate.currency}
    values = [float(m.rate or 0) for m in rate.months]
    top = max(values + [float(contracted or 0), 1.0]) * 1.15
    pw, ph = W - 2 * PAD, H - PAD - TOP
    step = pw / max(len(rate.months), 1)

    def y(v: float) -> float:
        return H - PAD - ph * v / top

    parts = [format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="rate-title" class="health-chart" data-testid="rate-chart">'
        '<title id="rate-title">{}</title>'
        '<rect x="0" y="0" width="{}" height="{}" fill="#fff"/>'
        '<text x="{}" y="16" font-size="12" fill="#333">{}</text>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#999"/>',
        W, H, title, W, H, PAD, title, PAD, H - PAD, W - PAD, H - PAD)]
    for index, month in enumerate(rate.months):
        x = PAD + index * step
        label = formats.date_format(month.start, "M")
        parts.append(format_html('<text x="{}" y="{}" font-size="11" text-anchor="middle" '
                                 'fill="#333">{}</text>', _n(x + step / 2), H - PAD + 16, label))
        if month.rate:
            bar_top = y(float(month.rate))
            amount = _amount(month.rate)
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#1e6fa8"><title>{}</title>'
                '</rect><text x="{}" y="{}" font-size="10" text-anchor="middle" fill="#333">{}'
                '</text>', _n(x + step * 0.2), _n(bar_top), _n(step * 0.6),
                _n(H - PAD - bar_top), amount, _n(x + step / 2), _n(bar_top - 4), amount))
    if contracted:
        line = y(float(contracted))
        caption = _("contracted: %(amount)s") % {"amount": _amount(contracted)}
        parts.append(format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c62828" stroke-dasharray="6 4"/>'
            '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#c62828">{}</text>',
            PAD, _n(line), W - PAD, _n(line), W - PAD, _n(line - 4), caption))
    return format_html("{}</svg>", format_html_join("", "{}", ((part,) for part in parts)))


def _n(value: float) -> str:
    """A coordinate with one decimal, as SVG reads it whatever the language."""
    return f"{value:.1f}"
