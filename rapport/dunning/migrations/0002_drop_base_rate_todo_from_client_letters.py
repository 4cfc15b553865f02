"""Reminders planned before the fix kept the internal "enter the base rate" to-do among
the lines of the client's letter; a letter printed again must not show it."""

from django.db import migrations

TODO_STARTS = ("No default interest yet:", "Noch keine Verzugszinsen:")


def drop_todo_lines(apps, schema_editor):
    Reminder = apps.get_model("dunning", "Reminder")
    for reminder in Reminder.objects.exclude(fee_explanation=[]).only("pk", "fee_explanation"):
        lines = reminder.fee_explanation or []
        kept = [line for line in lines if not str(line).startswith(TODO_STARTS)]
        if kept != lines:
            Reminder.objects.filter(pk=reminder.pk).update(fee_explanation=kept)


class Migration(migrations.Migration):

    dependencies = [
        ("dunning", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_todo_lines, migrations.RunPython.noop),
    ]
