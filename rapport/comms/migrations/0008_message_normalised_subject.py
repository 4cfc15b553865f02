"""A reply that names no earlier message joined its thread through a search for subjects
ending like its own, which read every message of the workspace once per subject. The
subject without reply prefixes is now stored and indexed; existing messages get theirs
here (the index is built after they are filled, which is faster than along the way)."""

import re

from django.db import migrations, models

# As `rapport.comms.mailparse.normalise_subject` was when this migration was written.
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|fw|fwd|wg|antw|sv|vs)\s*(\[\d+\])?\s*:\s*)+", re.I)
CHUNK = 2000


def _normalised(subject):
    return re.sub(r"\s+", " ", _REPLY_PREFIX.sub("", subject or "")).strip().lower()


def fill_normalised_subjects(apps, schema_editor):
    Message = apps.get_model("comms", "Message")
    rows = Message.objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last).order_by("pk").only("pk", "subject")[:CHUNK])
        if not chunk:
            return
        for message in chunk:
            message.normalised_subject = _normalised(message.subject)
        rows.bulk_update(chunk, ["normalised_subject"])
        last = chunk[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('comms', '0007_message_drops_redundant_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='message',
            name='normalised_subject',
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.RunPython(fill_normalised_subjects, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='message',
            index=models.Index(fields=['workspace', 'normalised_subject', 'date'],
                               name='message_ws_subject_date'),
        ),
    ]
