"""Keep a client's legal status (business or consumer) in step with its kind.

`ClientTerms.is_business` decides the statutory interest (§ 288 BGB) and the § 286 (3)
notice on invoices. It starts from the client's kind; when the user later changes the
kind (company ↔ person), the status follows. A status set by hand for an unchanged kind
(a sole trader filed as a person) stays as it is."""

from __future__ import annotations

from django.db.models.signals import pre_save
from django.dispatch import receiver

from rapport.clients.models import Client
from rapport.dunning.models import ClientTerms


@receiver(pre_save, sender=Client)
def _kind_changed(sender: type, instance: Client, **kwargs: object) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    before = Client.objects.filter(pk=instance.pk).values_list("kind", flat=True).first()
    if before is not None and before != instance.kind:
        ClientTerms.objects.filter(client_id=instance.pk).update(
            is_business=instance.kind == Client.Kind.COMPANY)
