"""The project's form renderer: number inputs show amounts as people write them."""

from __future__ import annotations

import re
from typing import Any

from django.forms.renderers import DjangoTemplates

ZERO_DECIMALS = re.compile(r"(-?\d+)\.0+")


def plain_number(value: object) -> object:
    """6000.00 → 6000 and 50.00 → 50; 12.50 and 0.125 stay as they are.

    A `type=number` input needs a dot as decimal separator whatever the language, so the
    value cannot be localized; it only loses the decimals that say nothing.
    """
    if isinstance(value, str):
        match = ZERO_DECIMALS.fullmatch(value)
        return match[1] if match else value
    return value


class FormRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if isinstance(widget, dict) and widget.get("type") == "number":
            widget["value"] = plain_number(widget.get("value"))
        return super().render(template_name, context, request)
