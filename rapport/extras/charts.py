"""The real hourly rate per month as a small server-side SVG bar chart, with the
contracted rate as a dashed line (no JavaScript; labels come in translated)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from rapport.extras.rate import RealRate

W, H, PAD, TOP = 560, 200, 48, 24


def _amount(value: Decimal) -> str:
    return formats.number_format(round(value), use_l10n=True, force_grouping=True)


def rate_svg(rate: RealRate, contracted: Decimal | None) -> SafeString:
    """Bars: revenue ÷ hours per month (in the workspace currency); a month without hours
    or without revenue has no bar. `contracted` (same currency) is drawn as a line."""
    title = _("Real hourly rate per month, in %(currency)s") % {"currency": rate.currency}
    values = [float(m.rate or 0) for m in rate.months]
    top = max(values + [float(contracted or 0), 1.0]) * 1.15
    pw, ph = W - 2 * PAD, H - PAD - TOP
    step = pw / max(len(rate.months), 1)

    def y(v: float) -> float:
        return H - PAD - ph * v / top

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
             f'aria-labelledby="rate-title" class="health-chart" data-testid="rate-chart">',
             f'<title id="rate-title">{escape(title)}</title>',
             f'<rect x="0" y="0" width="{W}" height="{H}" fill="#fff"/>',
             f'<text x="{PAD}" y="16" font-size="12" fill="#333">{escape(title)}</text>',
             f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - PAD}" y2="{H - PAD}" stroke="#999"/>']
    for index, month in enumerate(rate.months):
        x = PAD + index * step
        label = formats.date_format(month.start, "M")
        parts.append(f'<text x="{x + step / 2:.1f}" y="{H - PAD + 16}" font-size="11" '
                     f'text-anchor="middle" fill="#333">{escape(label)}</text>')
        if month.rate:
            bar_top = y(float(month.rate))
            parts.append(f'<rect x="{x + step * 0.2:.1f}" y="{bar_top:.1f}" '
                         f'width="{step * 0.6:.1f}" height="{H - PAD - bar_top:.1f}" '
                         f'fill="#1e6fa8"><title>{escape(_amount(month.rate))}</title></rect>')
            parts.append(f'<text x="{x + step / 2:.1f}" y="{bar_top - 4:.1f}" font-size="10" '
                         f'text-anchor="middle" fill="#333">{escape(_amount(month.rate))}'
                         f'</text>')
    if contracted:
        line = y(float(contracted))
        caption = _("contracted: %(amount)s") % {"amount": _amount(contracted)}
        parts.append(f'<line x1="{PAD}" y1="{line:.1f}" x2="{W - PAD}" y2="{line:.1f}" '
                     f'stroke="#c62828" stroke-dasharray="6 4"/>')
        parts.append(f'<text x="{W - PAD}" y="{line - 4:.1f}" font-size="11" '
                     f'text-anchor="end" fill="#c62828">{escape(caption)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
