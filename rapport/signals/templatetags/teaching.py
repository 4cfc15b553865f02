"""`{% message_warning_signs message %}`: on the message page, the signals found in the
message (each can be dismissed) and every sentence of the sender's own words, each of
which can be marked as a warning sign of a kind."""

from __future__ import annotations

from django import template

from rapport.comms.models import Direction
from rapport.signals import teaching
from rapport.signals.evidence import highlight
from rapport.signals.models import Signal, SignalSource
from rapport.signals.teaching_views import kind_choices

register = template.Library()


@register.inclusion_tag("signals/_message_teaching.html", takes_context=True)
def message_warning_signs(context: template.Context, message: object) -> dict[str, object]:
    inbound = getattr(message, "direction", "") == Direction.INBOUND
    signals = list(Signal.objects.filter(workspace_id=message.workspace_id,
                                         source_type=SignalSource.MESSAGE, source_id=message.pk)
                   .order_by("kind")) if inbound else []
    for signal in signals:
        signal.evidence_html = (highlight(message.body_text, signal.span_start,
                                          signal.span_end)
                                if signal.span_start >= 0 else signal.evidence)
    return {"request": context.get("request"), "message": message, "inbound": inbound,
            "signals": signals, "kinds": kind_choices(),
            "sentences": teaching.message_sentences(message) if inbound else []}
