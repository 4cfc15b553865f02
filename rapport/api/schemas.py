"""What the API sends and accepts. Money is a string amount with its currency code
(never a float); dates and times are ISO 8601."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import model_validator

from rapport.billing.services import totals
from rapport.core.money import precise, quantize


class ErrorDetail(Schema):
    code: str
    message: str
    fields: list[FieldError] | None = None


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    error: ErrorDetail


class Money(Schema):
    amount: str = Field(..., examples=["1190.00"])
    currency: str = Field(..., examples=["EUR"])


def money(amount: Decimal, currency: str) -> dict[str, str]:
    return {"amount": str(quantize(amount, currency)), "currency": currency}


def invoice_totals(invoice) -> tuple[Decimal, Decimal, Decimal]:
    """(net, tax, gross): stored on an issued invoice, computed from the lines of a draft."""
    if not invoice.is_draft:
        return invoice.net_total, invoice.tax_total, invoice.gross_total
    cached = getattr(invoice, "_api_totals", None)
    if cached is None:
        result = totals(invoice)
        cached = invoice._api_totals = (result.net, result.tax, result.gross)
    return cached


class ClientOut(Schema):
    id: int
    name: str
    kind: str
    status: str
    language: str
    country: str
    city: str
    vat_id: str
    created_at: dt.datetime


class ContactOut(Schema):
    id: int
    client_id: int
    name: str
    role: str
    phone: str
    emails: list[str]

    @staticmethod
    def resolve_emails(obj) -> list[str]:
        return obj.addresses()


class ProjectOut(Schema):
    id: int
    client_id: int
    name: str
    status: str
    rate_type: str
    amount: Money
    start_date: dt.date | None
    end_date: dt.date | None

    @staticmethod
    def resolve_amount(obj) -> dict[str, str]:
        return money(obj.amount, obj.currency)


class LineOut(Schema):
    position: int
    description: str
    quantity: str
    unit: str
    unit_price: str
    vat_rate: str
    net: Money

    @staticmethod
    def resolve_quantity(obj) -> str:
        return format(obj.quantity.normalize(), "f")

    @staticmethod
    def resolve_unit_price(obj) -> str:
        return str(precise(obj.unit_price, obj.invoice.currency))

    @staticmethod
    def resolve_vat_rate(obj) -> str:
        return str(obj.vat_rate)

    @staticmethod
    def resolve_net(obj) -> dict[str, str]:
        return money(obj.net_amount, obj.invoice.currency)


class InvoiceOut(Schema):
    id: int
    number: str | None
    kind: str
    state: str
    payment_status: str
    client_id: int
    project_id: int | None
    currency: str
    language: str
    issue_date: dt.date | None
    due_date: dt.date | None
    service_start: dt.date | None
    service_end: dt.date | None
    net_total: Money
    tax_total: Money
    gross_total: Money
    amount_due: Money
    paid: Money
    balance: Money
    lines: list[LineOut]

    @staticmethod
    def resolve_number(obj) -> str | None:
        return obj.number or None

    @staticmethod
    def resolve_payment_status(obj) -> str:
        return obj.payment_status()

    @staticmethod
    def resolve_net_total(obj) -> dict[str, str]:
        return money(invoice_totals(obj)[0], obj.currency)

    @staticmethod
    def resolve_tax_total(obj) -> dict[str, str]:
        return money(invoice_totals(obj)[1], obj.currency)

    @staticmethod
    def resolve_gross_total(obj) -> dict[str, str]:
        return money(invoice_totals(obj)[2], obj.currency)

    @staticmethod
    def resolve_amount_due(obj) -> dict[str, str]:
        return money(invoice_totals(obj)[2] - obj.deducted_total, obj.currency)

    @staticmethod
    def resolve_paid(obj) -> dict[str, str]:
        return money(obj.paid_total(), obj.currency)

    @staticmethod
    def resolve_balance(obj) -> dict[str, str]:
        return money(invoice_totals(obj)[2] - obj.deducted_total - obj.paid_total(),
                     obj.currency)

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


Unit = Literal["HUR", "DAY", "MON", "C62", "LS"]
VatRate = Literal["19.00", "7.00", "0.00"]


class LineIn(Schema):
    description: str = Field(..., min_length=1, max_length=500)
    quantity: Decimal = Field(Decimal(1), max_digits=12, decimal_places=3)
    unit: Unit = "C62"
    unit_price: Decimal = Field(..., max_digits=14, decimal_places=4)
    vat_rate: VatRate = "19.00"


class InvoiceIn(Schema):
    client_id: int
    project_id: int | None = None
    currency: Literal["EUR", "USD", "GBP", "CHF", "SEK", "DKK", "NOK", "PLN", "CZK",
                      "JPY"] | None = None
    service_start: dt.date | None = None
    service_end: dt.date | None = None
    lines: list[LineIn] = Field(default_factory=list, max_length=200)


class PaymentOut(Schema):
    id: int
    invoice_id: int
    invoice_number: str
    amount: Money
    paid_on: dt.date
    note: str

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.invoice.number

    @staticmethod
    def resolve_amount(obj) -> dict[str, str]:
        return money(obj.amount, obj.invoice.currency)


class PaymentIn(Schema):
    invoice_id: int
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    paid_on: dt.date | None = None
    note: str = Field("", max_length=200)


class MessageOut(Schema):
    id: int
    client_id: int | None
    contact_id: int | None
    direction: str
    date: dt.datetime
    from_address: str
    from_name: str
    to: list[str]
    subject: str
    body_text: str

    @staticmethod
    def resolve_to(obj) -> list[str]:
        return obj.recipients


class MessageIn(Schema):
    raw: str | None = Field(None, min_length=1, max_length=10 * 1024 * 1024,
                            description="The whole message as in an .eml file (RFC 822).")
    raw_base64: str | None = Field(
        None, min_length=1, max_length=14 * 1024 * 1024,
        description="The same, base64-encoded: for messages with 8-bit text in another "
                    "charset than UTF-8. Send either `raw` or `raw_base64`.")

    @model_validator(mode="after")
    def _one_of_them(self) -> MessageIn:
        if (self.raw is None) == (self.raw_base64 is None):
            raise ValueError("Send either raw or raw_base64.")
        if self.raw_base64 is not None:
            try:
                base64.b64decode(self.raw_base64, validate=True)
            except binascii.Error as exc:
                raise ValueError("raw_base64 is not valid base64.") from exc
        return self

    def as_bytes(self) -> bytes:
        if self.raw_base64 is not None:
            return base64.b64decode(self.raw_base64)
        return (self.raw or "").encode("utf-8", errors="surrogateescape")


class ImportProblem(Schema):
    position: str
    reason: str


class MessageImportOut(Schema):
    imported: bool
    duplicate: bool
    message: MessageOut | None
    problems: list[ImportProblem]


class SignalOut(Schema):
    id: int
    client_id: int
    kind: str
    occurred_at: dt.datetime
    strength: str
    evidence: str
    source_type: str
    source_id: int
    dismissed_at: dt.datetime | None

    @staticmethod
    def resolve_strength(obj) -> str:
        return str(obj.strength)


class SignOut(Schema):
    key: str
    label: str
    status: str
    score: float
    count: int
    trend: str
    signal_ids: list[int] = Field(
        ..., description="The signals behind the sign (filled on a client's own health).")


class HealthOut(Schema):
    client_id: int
    client_name: str
    status: str
    friction: float
    recommendation: str
    recommendation_label: str
    revenue_12_months: Money
    signs: list[SignOut]


class ProposalOut(Schema):
    id: int
    client_id: int
    project_id: int | None
    title: str
    status: str
    language: str
    valid_until: dt.date
    versions: int
    created_at: dt.datetime

    @staticmethod
    def resolve_versions(obj) -> int:
        return obj.versions.count()


ErrorDetail.model_rebuild()


# Changes to clients, contacts and projects. The schemas only describe the shapes: every
# rule (lengths, choices, unique addresses, the status lifecycle) is the web forms' and the
# models', so a value the pages refuse is refused here too, with the field named.

class ClientIn(Schema):
    name: str
    kind: str | None = Field(None, examples=["company"])
    language: str | None = Field(None, examples=["de"])
    time_zone: str | None = Field(None, examples=["Europe/Berlin"])
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = Field("DE", examples=["DE"])
    vat_id: str = ""


class ClientPatch(Schema):
    name: str | None = None
    kind: str | None = None
    language: str | None = None
    time_zone: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    vat_id: str | None = None
    status: str | None = Field(None, description="A step of the client lifecycle, as on "
                                                 "the client page; other steps answer 422.")
    status_reason: str = Field("", description="Why the status changes (kept in its history).")


class ContactIn(Schema):
    name: str
    role: str = ""
    phone: str = ""
    emails: list[str] = Field(default_factory=list, max_length=50)


class ContactPatch(Schema):
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    emails: list[str] | None = Field(None, max_length=50,
                                     description="The complete list; replaces the current one.")


class MoneyIn(Schema):
    amount: Decimal = Field(..., examples=["4000.00"])
    currency: str = Field(..., examples=["EUR"])


class ProjectIn(Schema):
    name: str
    status: str | None = Field(None, examples=["planned"])
    rate_type: str | None = Field(None, examples=["fixed"])
    amount: MoneyIn
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    description: str = ""


class ProjectPatch(Schema):
    name: str | None = None
    status: str | None = None
    rate_type: str | None = None
    amount: MoneyIn | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    description: str | None = None
