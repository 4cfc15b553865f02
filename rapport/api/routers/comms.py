"""Messages: list them, and import one raw message the way an uploaded .eml is imported
(deduplicated, threaded, linked to its client, followed by signal detection)."""


import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.responses import Status

from rapport.api import auth
from rapport.api.common import ERRORS, get_owned, narrowed, workspace_of
from rapport.api.errors import ApiError
from rapport.api.pagination import Pagination
from rapport.api.schemas import MessageImportOut, MessageIn, MessageOut
from rapport.comms.mailimport import import_raw_messages
from rapport.comms.mailparse import MAX_RAW_BYTES, parse_bytes
from rapport.comms.models import Message, Source

router = Router(tags=["messages"])

Direction = Literal["in", "out"]


@router.get("/messages", response={200: list[MessageOut], **ERRORS}, summary="List messages")
@paginate(Pagination)
def list_messages(request: HttpRequest, client_id: int | None = None,
                  direction: Direction | None = None, date_from: dt.date | None = None,
                  date_until: dt.date | None = None):
    messages = Message.objects.filter(workspace=workspace_of(request)).order_by("-date", "-pk")
    return narrowed(messages, client_id=client_id, direction=direction,
                    date__date__gte=date_from, date__date__lte=date_until)


# Declared before /messages/{message_id}, which would otherwise take "import" as an id.
@router.post("/messages/import", response={201: MessageImportOut, 200: MessageImportOut,
                                           **ERRORS},
             auth=auth.write, summary="Import one raw message (RFC 822)")
def import_message(request: HttpRequest, payload: MessageIn):
    workspace = workspace_of(request)
    raw = payload.as_bytes()
    if len(raw) > MAX_RAW_BYTES:
        raise ApiError(413, "too_large", "The message is larger than the import reads.")
    result = import_raw_messages(workspace, [("api", raw)], Source.EML)
    problems = [{"position": str(e.get("position", "")), "reason": str(e.get("reason", ""))}
                for e in result.errors]
    if not result.imported and not result.duplicates:
        raise ApiError(422, "unreadable", "; ".join(p["reason"] for p in problems)
                       or "The message could not be read.")
    stored = Message.objects.filter(workspace=workspace,
                                    dedup_key=parse_bytes(raw).dedup_key).first()
    data = {"imported": bool(result.imported), "duplicate": bool(result.duplicates),
            "message": stored, "problems": problems}
    return Status(201 if result.imported else 200, data)


@router.get("/messages/{message_id}", response={200: MessageOut, **ERRORS},
            summary="Get a message")
def get_message(request: HttpRequest, message_id: int):
    return get_owned(request, Message, message_id)
