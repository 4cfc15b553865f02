"""Each invoice stores the sum of its payments (`amount_paid`), so the payment status is
decided from columns; existing invoices get the sum of the payments they already have."""

from collections import defaultdict
from decimal import Decimal

from django.db import migrations, models


def fill_amount_paid(apps, schema_editor):
    Invoice = apps.get_model("billing", "Invoice")
    Payment = apps.get_model("billing", "Payment")
    sums = defaultdict(lambda: Decimal("0.00"))
    for invoice_id, amount in Payment.objects.order_by().values_list("invoice_id", "amount"):
        sums[invoice_id] += amount  # in Python: SQLite would add the decimals as floats
    for invoice_id, total in sums.items():
        Invoice.objects.filter(pk=invoice_id).update(amount_paid=total)


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0004_invoice_index_by_due_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="amount_paid",
            field=models.DecimalField(decimal_places=2, default=Decimal("0.00"), editable=False,
                                      max_digits=14, verbose_name="amount paid"),
        ),
        migrations.RunPython(fill_amount_paid, migrations.RunPython.noop),
    ]
