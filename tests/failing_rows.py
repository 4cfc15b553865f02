"""A real database failure for one workspace's rows, for the tests that one tenant's
broken item never stops the periodic work of the others.

The trigger makes the database itself refuse writes for one workspace (as a corrupt row,
a full disk or a constraint would); nothing in the code under test is replaced.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


@contextmanager
def refused_writes(model: type, workspace_id: int, operation: str = "INSERT"):
    """While active, the database raises on `operation` of `model` rows of the workspace."""
    table = model._meta.db_table
    name = f"refuse_{table}_{operation.lower()}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                           f"RAISE EXCEPTION 'refused for this workspace'; END $$ "
                           f"LANGUAGE plpgsql")
            cursor.execute(f"CREATE TRIGGER {name} BEFORE {operation} ON {table} FOR EACH ROW "
                           f"WHEN (NEW.workspace_id = {int(workspace_id)}) "
                           f"EXECUTE FUNCTION {name}()")
        else:
            cursor.execute(f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                           f"WHEN NEW.workspace_id = {int(workspace_id)} BEGIN "
                           f"SELECT RAISE(ABORT, 'refused for this workspace'); END")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
