"""Billing takes over the pending fees (table renamed by comms 0005), and the invoice that
took a fee up becomes a real foreign key instead of a bare number. A number that points to
no invoice any more (a draft deleted outside the app) becomes empty; the fee stays marked
as invoiced, as before. Reversible: the number is copied back."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def to_foreign_key(apps, schema_editor):
    PendingFee = apps.get_model("billing", "PendingFee")
    Invoice = apps.get_model("billing", "Invoice")
    PendingFee.objects.filter(legacy_invoice_id__in=Invoice.objects.values("pk")).update(
        invoice_id=F("legacy_invoice_id"))


def to_number(apps, schema_editor):
    PendingFee = apps.get_model("billing", "PendingFee")
    PendingFee.objects.update(legacy_invoice_id=F("invoice_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0002_renumber_duplicate_draft_line_positions"),
        ("comms", "0005_pendingfee_moves_to_billing"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PendingFee",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("description", models.CharField(max_length=300,
                                                         verbose_name="description")),
                        ("amount", models.DecimalField(
                            decimal_places=2, max_digits=12,
                            validators=[django.core.validators.MinValueValidator(
                                Decimal("0.01"))],
                            verbose_name="amount")),
                        ("currency", models.CharField(
                            choices=[("EUR", "EUR"), ("USD", "USD"), ("GBP", "GBP"),
                                     ("CHF", "CHF"), ("SEK", "SEK"), ("DKK", "DKK"),
                                     ("NOK", "NOK"), ("PLN", "PLN"), ("CZK", "CZK"),
                                     ("JPY", "JPY")],
                            default="EUR", max_length=3, verbose_name="currency")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("invoiced_at", models.DateTimeField(blank=True, null=True,
                                                             verbose_name="invoiced")),
                        ("invoice_id", models.PositiveIntegerField(blank=True, null=True)),
                        ("client", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE,
                            related_name="pending_fees", to="clients.client",
                            verbose_name="client")),
                        ("meeting_log", models.OneToOneField(
                            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                            related_name="fee", to="comms.meetinglog")),
                        ("workspace", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE, related_name="+",
                            to="core.workspace", verbose_name="workspace")),
                    ],
                    options={
                        "verbose_name": "pending fee",
                        "verbose_name_plural": "pending fees",
                        "ordering": ["created_at", "pk"],
                        "indexes": [models.Index(
                            condition=models.Q(("invoiced_at__isnull", True)),
                            fields=["workspace", "client"], name="pendingfee_open")],
                    },
                ),
            ],
        ),
        migrations.RenameField(model_name="pendingfee", old_name="invoice_id",
                               new_name="legacy_invoice_id"),
        migrations.AddField(
            model_name="pendingfee",
            name="invoice",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="pending_fees", to="billing.invoice",
                                    verbose_name="invoice"),
        ),
        migrations.RunPython(to_foreign_key, to_number),
        migrations.RemoveField(model_name="pendingfee", name="legacy_invoice_id"),
    ]
