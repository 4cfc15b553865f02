"""Objects of the clients app for the tenant isolation test."""

from rapport.clients.models import Client, ConfirmedRecipient, Contact, Note, Project


def objects_for(workspace, client: Client) -> dict[str, int]:
    contact = Contact.objects.create(workspace=workspace, client=client, name="Kim")
    note = Note.objects.create(workspace=workspace, client=client, text="private")
    project = Project.objects.create(workspace=workspace, client=client, name="P", amount=1)
    recipient = ConfirmedRecipient.objects.create(workspace=workspace, client=client,
                                                  address="assistant@client.example")
    return {"contact_pk": contact.pk, "note_pk": note.pk, "project_pk": project.pk,
            "recipient_pk": recipient.pk}
