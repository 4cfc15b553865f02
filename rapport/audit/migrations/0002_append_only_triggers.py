"""The database refuses UPDATE and DELETE on audit entries (PostgreSQL and SQLite)."""

from django.db import migrations


def install(apps, schema_editor):
    from rapport.audit import guard

    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    from rapport.audit import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_entries")]

    operations = [migrations.RunPython(install, remove)]
