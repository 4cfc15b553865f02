"""Objects of the journal app for the tenant isolation test."""

from rapport.clients.models import Client
from rapport.journal.models import JournalEntry, Lesson


def objects_for(workspace, client: Client) -> dict[str, int]:
    entry = JournalEntry.objects.create(workspace=workspace, client=client,
                                        answers={"scarcity": "Yes."})
    lesson = Lesson.objects.create(workspace=workspace, entry=entry, text="Ask for a deposit")
    return {"entry_pk": entry.pk, "lesson_pk": lesson.pk}
