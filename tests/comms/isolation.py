"""Objects of the comms app for the tenant isolation test."""

import datetime as dt

from django.utils import timezone

from rapport.clients.models import Client
from rapport.comms.crypto import encrypt
from rapport.comms.models import (
    CalendarSubscription,
    ImportRun,
    MailAccount,
    Meeting,
    Message,
    Source,
)


def objects_for(workspace, client: Client) -> dict[str, int]:
    now = timezone.now()
    message = Message.objects.create(
        workspace=workspace, dedup_key=f"iso-{workspace.pk}", thread_key="t", date=now,
        from_address="secret@example.com", subject="Secret", direction="in",
        source=Source.EML, client=client)
    meeting = Meeting.objects.create(workspace=workspace, uid=f"iso-{workspace.pk}",
                                     start=now, end=now + dt.timedelta(hours=1),
                                     source=Source.ICS)
    run = ImportRun.objects.create(workspace=workspace, kind="mail", filename="secret.mbox")
    account = MailAccount.objects.create(workspace=workspace, name="Secret", host="localhost",
                                         username="secret", password_encrypted=encrypt("x"))
    sub = CalendarSubscription.objects.create(workspace=workspace, name="Secret",
                                              url="http://127.0.0.1:9/secret.ics")
    return {"message_pk": message.pk, "meeting_pk": meeting.pk, "import_pk": run.pk,
            "mail_account_pk": account.pk, "subscription_pk": sub.pk}
