"""Objects of the clients app for the tenant isolation test."""

from rapport.clients.models import Client, Contact, Note, Project


def objects_for(workspace, client: Client) -> dict[str, int]:
    contact = Contact.objects.create(workspace=workspace, client=client, name="Kim")
    note = Note.objects.create(workspace=workspace, client=client, text="private")
    project = Project.objects.create(workspace=workspace, client=client, name="P", amount=1)
    return {"contact_pk": contact.pk, "note_pk": note.pk, "project_pk": project.pk}
