"""`{{ signal|explain }}`: a signal's explanation in the reader's language and formats."""

from __future__ import annotations

from django import template

from rapport.signals.explain import explain as _explain

register = template.Library()


@register.filter
def explain(signal: object) -> str:
    return _explain(signal)
