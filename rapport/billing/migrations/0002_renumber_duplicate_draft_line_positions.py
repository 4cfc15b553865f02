"""Drafts whose lines all got position 1 ("save and add another") are numbered 1, 2, 3 …

Issued invoices stay exactly as they are (GoBD); their documents number repeated
positions in print order instead (rapport.billing.positions.line_ids).
"""

from django.db import migrations


def renumber_drafts(apps, schema_editor):
    InvoiceLine = apps.get_model("billing", "InvoiceLine")
    lines = (InvoiceLine.objects.filter(invoice__state="draft")
             .order_by("invoice_id", "position", "pk").only("pk", "invoice_id", "position"))
    invoice_id, number = None, 0
    for line in lines.iterator():
        if line.invoice_id != invoice_id:
            invoice_id, number = line.invoice_id, 0
        number += 1
        if line.position != number:
            InvoiceLine.objects.filter(pk=line.pk).update(position=number)


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(renumber_drafts, migrations.RunPython.noop),
    ]
