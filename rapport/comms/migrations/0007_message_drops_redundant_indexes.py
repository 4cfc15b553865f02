"""Two indexes on messages cost every import and served no query: the workspace's own
(every lookup by workspace uses the unique constraint or a composite index that begins
with it) and the thread key's (read with the messages, never looked up). They are
dropped by name as the database reports them, so SQLite need not copy the table."""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = (["workspace_id"], ["thread_key"])


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "comms_message")
    for name, info in sorted(found.items()):
        if (info["index"] and not info["unique"] and not info["primary_key"]
                and info["columns"] in COLUMNS):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def restore_indexes(apps, schema_editor):
    for [column] in COLUMNS:
        name = schema_editor.quote_name(f"comms_message_{column}_idx")
        schema_editor.execute(f"CREATE INDEX {name} ON comms_message ({column})")


class Migration(migrations.Migration):

    dependencies = [
        ('comms', '0006_meeting_marked_private'),
        ('core', '0004_heartbeat'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, restore_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name='message',
                    name='thread_key',
                    field=models.CharField(max_length=500),
                ),
                migrations.AlterField(
                    model_name='message',
                    name='workspace',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.workspace', verbose_name='workspace'),
                ),
            ],
        ),
    ]
