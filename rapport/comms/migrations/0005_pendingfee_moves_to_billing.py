"""Pending fees wait for an invoice, so billing owns them now (billing 0003 takes the model
over). The table is renamed, not recreated: no row is lost, and it is reversible."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("comms", "0004_sync_attempts_limit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="pendingfee", table="billing_pendingfee"),
            ],
            state_operations=[
                migrations.DeleteModel(name="PendingFee"),
            ],
        ),
    ]
