"""Objects of the offboarding app for the tenant isolation test."""

from django.core.files.base import ContentFile

from rapport.clients.models import Client
from rapport.offboarding import checklist
from rapport.offboarding.models import Procedure, Screenshot

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def objects_for(workspace, client: Client) -> dict[str, int]:
    client.change_status("active")
    offboarding = checklist.start(client)
    item = offboarding.items.first()
    procedure = Procedure.objects.create(workspace=workspace, client=client, title="Deploy",
                                         steps="1. Log in")
    shot = Screenshot(workspace=workspace, client=client, procedure=procedure, caption="x")
    shot.image.save("shot.png", ContentFile(PNG), save=True)
    return {"item_pk": item.pk, "procedure_pk": procedure.pk, "screenshot_pk": shot.pk}
