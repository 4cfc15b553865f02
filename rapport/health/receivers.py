"""Keep the health snapshots honest: any change to a client's signals makes its snapshot
dirty. Bulk writes in `rapport.signals.services` announce themselves; single saves (a
dismissed signal, a muted kind, an edited incident note) arrive as model signals."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from rapport.clients.models import Note
from rapport.health.snapshots import mark_dirty
from rapport.signals.changes import signals_changed
from rapport.signals.models import MutedKind, Signal


@receiver(signals_changed)
def _announced(sender: object, client_ids: set[int], **kwargs: object) -> None:
    mark_dirty(client_ids)


@receiver(post_save, sender=Signal)
@receiver(post_save, sender=MutedKind)
@receiver(post_delete, sender=MutedKind)
@receiver(post_save, sender=Note)
def _saved(sender: type, instance: Signal | MutedKind | Note, **kwargs: object) -> None:
    mark_dirty([instance.client_id])
