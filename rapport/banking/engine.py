"""Which invoice a bank transaction pays, decided in memory without the database.

The open invoices of a workspace are indexed once by normalised number, by open amount and
by client; payers known from earlier matches by IBAN and by name. Each transaction then
costs a handful of dictionary look-ups, so a statement of 100,000 lines is matched in
about the time it takes to read it, and no query runs per transaction.

A candidate is a set of allocations (invoice, amount) with a confidence from 0 to 1 and
the reasons behind it, as codes with parameters (rapport.banking.reasons renders them in
the reader's language). Confidence is the sum of the evidence, capped below 1:

    invoice number in the purpose   0.60  (0.65 as the GiroCode reference, 0.50 when only
                                           found with look-alike characters or without prefix)
    amount: exactly what is open    0.35  (fees deducted: 0.35 when the shortfall is the
                                           bank's stated fee, else 0.30 within tolerance;
                                           partial payment 0.15, overpayment 0.10)
    payer known for this client     0.30 by IBAN, 0.20 by name
    the only invoice with this amount  +0.10

At or above the workspace's threshold (0.90 unless set) a candidate is booked; from
SUGGEST_FROM on it is suggested; below, the transaction stays unmatched.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from rapport.banking.references import (
    candidate_keys,
    iban_key,
    is_girocode_reference,
    name_key,
    number_key,
    plain,
    prefixes_of,
    tail_key,
)

ZERO = Decimal("0.00")
DEFAULT_THRESHOLD = Decimal("0.90")
SUGGEST_FROM = 0.40
CAP = 0.99
FEE_TOLERANCE = Decimal("15.00")  # at most this much, and at most FEE_SHARE of the invoice
FEE_SHARE = Decimal("0.03")
MAX_COMBINED_POOL = 12  # a payer's oldest open invoices tried together for one transfer
AMBIGUOUS_PENALTY = 0.2

W_GIROCODE, W_NUMBER, W_NUMBER_FUZZY = 0.65, 0.60, 0.50
W_EXACT, W_FEE_STATED, W_FEE_TOLERATED, W_PARTIAL, W_OVER = 0.35, 0.35, 0.30, 0.15, 0.10
W_PAYER_IBAN, W_PAYER_NAME, W_UNIQUE = 0.30, 0.20, 0.10
W_SAME_TRANSFER, W_SAME_AMOUNT_BACK = 0.60, 0.35
CHARGEBACK_WORDS = ("RUECKLASTSCHRIFT", "RÜCKLASTSCHRIFT", "RUCKLASTSCHRIFT", "CHARGEBACK",
                    "RETOURE", "RUECKUEBERWEISUNG", "RÜCKÜBERWEISUNG", "RETURN")


class Entry(Protocol):
    """What the engine reads of a transaction (rapport.banking.models.BankTransaction)."""

    pk: int | None
    amount: Decimal
    currency: str
    purpose: str
    counterparty_name: str
    counterparty_iban: str
    end_to_end_id: str
    bank_fee: Decimal | None


@dataclass(slots=True)
class OpenInvoice:
    pk: int
    number: str
    client_id: int
    currency: str
    open_amount: Decimal
    due_date: dt.date | None = None


@dataclass(slots=True, frozen=True)
class BookedPayment:
    """A payment booked from an earlier transaction: what a refund or chargeback reverses."""

    invoice_pk: int
    number: str
    client_id: int
    currency: str
    amount: Decimal
    payer_iban: str = ""
    end_to_end_id: str = ""


@dataclass(slots=True)
class Candidate:
    allocations: tuple[tuple[int, Decimal], ...]
    confidence: float
    reasons: list[dict] = field(default_factory=list)

    @property
    def invoice_pks(self) -> tuple[int, ...]:
        return tuple(pk for pk, _amount in self.allocations)


@dataclass(slots=True, frozen=True)
class Decision:
    """BOOK, SUGGEST or NONE, with the best candidate (None for NONE)."""

    action: str
    candidate: Candidate | None
    BOOK = "book"
    SUGGEST = "suggest"
    NONE = "none"


def _reason(code: str, **params: object) -> dict:
    return {"code": code, "params": {k: str(v) if isinstance(v, Decimal) else v
                                     for k, v in params.items()}}


def fee_tolerance(open_amount: Decimal) -> Decimal:
    return min(FEE_TOLERANCE, (open_amount * FEE_SHARE).quantize(Decimal("0.01")))


class Matcher:
    """Open invoices, known payers and earlier payments of one workspace, indexed."""

    def __init__(self, invoices: Iterable[OpenInvoice],
                 payers: Iterable[tuple[int, str, str]] = (),
                 clients: Iterable[tuple[int, str]] = (),
                 booked: Iterable[BookedPayment] = ()) -> None:
        """`payers`: (client_id, iban, name) learned from confirmed matches;
        `clients`: (client_id, name) of every client, whose own name also identifies it."""
        self.invoices: dict[int, OpenInvoice] = {}
        self._by_number: dict[str, list[int]] = defaultdict(list)
        self._by_tail: dict[str, list[int]] = defaultdict(list)
        self._by_amount: dict[tuple[str, Decimal], list[int]] = defaultdict(list)
        self._by_client: dict[int, list[int]] = defaultdict(list)
        self._prefixes: set[str] = set()
        for invoice in invoices:
            self._add(invoice)
        self._iban_clients: dict[str, set[int]] = defaultdict(set)
        self._name_clients: dict[str, set[int]] = defaultdict(set)
        self._client_names: dict[str, set[int]] = defaultdict(set)
        for client_id, iban, name in payers:
            if iban:
                self._iban_clients[iban_key(iban)].add(client_id)
            if name and name_key(name):
                self._name_clients[name_key(name)].add(client_id)
        for client_id, name in clients:
            if name_key(name):
                self._client_names[name_key(name)].add(client_id)
        self._booked_by_e2e: dict[str, list[BookedPayment]] = defaultdict(list)
        self._booked_by_number: dict[str, list[BookedPayment]] = defaultdict(list)
        self._booked_by_iban: dict[str, list[BookedPayment]] = defaultdict(list)
        for payment in booked:
            if payment.end_to_end_id and payment.end_to_end_id.upper() != "NOTPROVIDED":
                self._booked_by_e2e[payment.end_to_end_id].append(payment)
            self._booked_by_number[number_key(payment.number)].append(payment)
            self._prefixes.update(prefixes_of(number_key(payment.number)))
            if payment.payer_iban:
                self._booked_by_iban[iban_key(payment.payer_iban)].append(payment)

    # -- the index ------------------------------------------------------------------------

    def _add(self, invoice: OpenInvoice) -> None:
        self.invoices[invoice.pk] = invoice
        key = number_key(invoice.number)
        self._by_number[key].append(invoice.pk)
        self._prefixes.update(prefixes_of(key))
        if tail := tail_key(invoice.number):
            self._by_tail[tail].append(invoice.pk)
            self._prefixes.update(prefixes_of(tail))
        self._by_amount[(invoice.currency, invoice.open_amount)].append(invoice.pk)
        self._by_client[invoice.client_id].append(invoice.pk)

    def consume(self, candidate: Candidate) -> None:
        """Lower the open amounts by a booked candidate, so the next transaction of the
        same import sees what is still open."""
        for pk, amount in candidate.allocations:
            invoice = self.invoices.get(pk)
            if invoice is None:
                continue
            self._by_amount[(invoice.currency, invoice.open_amount)].remove(pk)
            invoice.open_amount -= amount
            if invoice.open_amount > 0:
                self._by_amount[(invoice.currency, invoice.open_amount)].append(pk)

    def _is_open(self, pk: int, currency: str) -> bool:
        invoice = self.invoices[pk]
        return invoice.currency == currency and invoice.open_amount > 0

    # -- evidence -------------------------------------------------------------------------

    def _numbers_in(self, entry: Entry) -> dict[int, tuple[float, dict]]:
        """Open invoices (of the entry's currency) named in the purpose text."""
        found: dict[int, tuple[float, dict]] = {}

        def note(pk: int, weight: float, reason: dict) -> None:
            if self._is_open(pk, entry.currency) and weight > found.get(pk, (0.0,))[0]:
                found[pk] = (weight, reason)

        purpose = entry.purpose or ""
        for pk in self._by_number.get(number_key(purpose), ()):
            number = self.invoices[pk].number
            if is_girocode_reference(purpose, number):
                note(pk, W_GIROCODE, _reason("girocode_reference", number=number))
        reference = entry.end_to_end_id or ""
        if reference and reference.upper() != "NOTPROVIDED":
            purpose_and_reference = f"{purpose} {reference}"  # payers' apps put it there too
        else:
            purpose_and_reference = purpose
        for key, raw in candidate_keys(purpose_and_reference, self._prefixes):
            for pk in self._by_number.get(key, ()):
                number = self.invoices[pk].number
                if raw == plain(number):
                    note(pk, W_NUMBER, _reason("invoice_number", number=number))
                else:
                    note(pk, W_NUMBER_FUZZY, _reason("invoice_number_fuzzy", number=number,
                                                     written=raw))
            for pk in self._by_tail.get(key, ()):
                number = self.invoices[pk].number
                note(pk, W_NUMBER_FUZZY, _reason("invoice_number_fuzzy", number=number,
                                                 written=raw))
        return found

    def _payer(self, entry: Entry) -> dict[int, tuple[float, dict]]:
        """Clients the payer is known as: by IBAN (strongest), by name, by the client's name."""
        found: dict[int, tuple[float, dict]] = {}
        iban = iban_key(entry.counterparty_iban or "")
        for client_id in self._iban_clients.get(iban, ()) if iban else ():
            found[client_id] = (W_PAYER_IBAN, _reason("payer_iban", iban=iban))
        name = name_key(entry.counterparty_name or "")
        if name:
            for client_id in self._name_clients.get(name, set()) | self._client_names.get(
                    name, set()):
                found.setdefault(client_id, (W_PAYER_NAME, _reason(
                    "payer_name", name=entry.counterparty_name)))
        return found

    @staticmethod
    def _fit(amount: Decimal, open_amount: Decimal, fee: Decimal | None,
             currency: str) -> tuple[float, Decimal, dict]:
        """How the transferred amount fits what is open: (weight, allocation, reason)."""
        if amount == open_amount:
            return W_EXACT, amount, _reason("exact_amount", amount=amount, currency=currency)
        shortfall = open_amount - amount
        if shortfall > 0:
            if fee and shortfall == abs(fee):
                return W_FEE_STATED, open_amount, _reason("bank_fee", fee=shortfall,
                                                           currency=currency)
            if shortfall <= fee_tolerance(open_amount):
                return W_FEE_TOLERATED, open_amount, _reason("fee_tolerated", fee=shortfall,
                                                              currency=currency)
            return W_PARTIAL, amount, _reason("partial_payment", remaining=shortfall,
                                              currency=currency)
        return W_OVER, amount, _reason("overpayment", excess=-shortfall, currency=currency)

    # -- candidates -----------------------------------------------------------------------

    def candidates(self, entry: Entry) -> list[Candidate]:
        """Every plausible reading of this transaction, best first."""
        if entry.amount < 0:
            found = self._reversals(entry)
        elif entry.amount > 0:
            found = self._payments(entry)
        else:
            found = []
        found.sort(key=lambda c: (-c.confidence, c.invoice_pks))
        if len(found) > 1 and found[1].confidence >= found[0].confidence - 0.1:
            best = found[0]
            best.confidence = round(max(0.0, best.confidence - AMBIGUOUS_PENALTY), 2)
            best.reasons.append(_reason("ambiguous", others=len(found) - 1))
        return found

    def decide(self, entry: Entry, threshold: Decimal | float = DEFAULT_THRESHOLD) -> Decision:
        found = self.candidates(entry)
        if not found or found[0].confidence < SUGGEST_FROM:
            return Decision(Decision.NONE, None)
        best = found[0]
        action = Decision.BOOK if best.confidence >= float(threshold) else Decision.SUGGEST
        return Decision(action, best)

    def _candidate(self, allocations: list[tuple[int, Decimal]], weights: list[float],
                   reasons: list[dict]) -> Candidate:
        return Candidate(tuple(allocations), round(min(CAP, sum(weights)), 2), reasons)

    def _payments(self, entry: Entry) -> list[Candidate]:
        numbers = self._numbers_in(entry)
        payers = self._payer(entry)
        fee, currency = entry.bank_fee, entry.currency
        found: list[Candidate] = []
        for pk, (weight, reason) in numbers.items():
            invoice = self.invoices[pk]
            fit, allocated, fit_reason = self._fit(entry.amount, invoice.open_amount, fee,
                                                   currency)
            weights, reasons = [weight, fit], [reason, fit_reason]
            if invoice.client_id in payers:
                weights.append(payers[invoice.client_id][0])
                reasons.append(payers[invoice.client_id][1])
            found.append(self._candidate([(pk, allocated)], weights, reasons))
        if len(numbers) > 1:
            found.append(self._together(entry, sorted(numbers, key=self._age), numbers,
                                        payers))
        if numbers:
            return found
        for client_id, (weight, reason) in payers.items():
            found += self._from_payer(entry, client_id, weight, reason)
        if not found:
            same = [pk for pk in self._by_amount.get((currency, entry.amount), ())
                    if self._is_open(pk, currency)]
            for pk in same:
                weights = [W_EXACT] + ([W_UNIQUE] if len(same) == 1 else [])
                found.append(self._candidate(
                    [(pk, entry.amount)], weights,
                    [_reason("exact_amount", amount=entry.amount, currency=currency)]
                    + ([_reason("only_invoice_with_amount")] if len(same) == 1 else [])))
        return found

    def _age(self, pk: int) -> tuple[dt.date, int]:
        return (self.invoices[pk].due_date or dt.date.max, pk)

    def _together(self, entry: Entry, pks: list[int], numbers: dict[int, tuple[float, dict]],
                  payers: dict[int, tuple[float, dict]]) -> Candidate:
        """One transfer for several named invoices, oldest first."""
        total = sum((self.invoices[pk].open_amount for pk in pks), ZERO)
        fit, _allocated, fit_reason = self._fit(entry.amount, total, entry.bank_fee,
                                                entry.currency)
        allocations = self._spread(entry.amount, pks, cover_all=fit >= W_FEE_TOLERATED)
        weights = [min(numbers[pk][0] for pk in pks), fit]
        reasons = [numbers[pk][1] for pk in pks]
        reasons += [_reason("several_invoices", count=len(pks), total=total,
                            currency=entry.currency), fit_reason]
        clients = {self.invoices[pk].client_id for pk in pks}
        if len(clients) == 1 and (client_id := clients.pop()) in payers:
            weights.append(payers[client_id][0])
            reasons.append(payers[client_id][1])
        return self._candidate(allocations, weights, reasons)

    def _spread(self, amount: Decimal, pks: list[int], cover_all: bool
                ) -> list[tuple[int, Decimal]]:
        """Share a transfer over invoices oldest first; what is left over goes to the last."""
        if cover_all:
            return [(pk, self.invoices[pk].open_amount) for pk in pks]
        allocations, left = [], amount
        for index, pk in enumerate(pks):
            share = left if index == len(pks) - 1 else min(left, self.invoices[pk].open_amount)
            if share <= 0:
                break
            allocations.append((pk, share))
            left -= share
        return allocations

    def _from_payer(self, entry: Entry, client_id: int, weight: float, reason: dict
                    ) -> list[Candidate]:
        """No number in the text, but a known payer: an invoice or a few of theirs whose
        open amounts add up to the transfer; or their only open invoice, partly paid."""
        currency, amount = entry.currency, entry.amount
        theirs = [invoice for pk in self._by_client.get(client_id, ())
                  if (invoice := self.invoices[pk]).currency == currency
                  and invoice.open_amount > 0]
        exact = sorted((invoice.pk for invoice in theirs if invoice.open_amount == amount),
                       key=self._age)
        found = []
        for pk in exact:
            weights = [weight, W_EXACT] + ([W_UNIQUE] if len(exact) == 1 else [])
            found.append(self._candidate([(pk, entry.amount)], weights, [
                reason, _reason("exact_amount", amount=entry.amount, currency=currency)]))
        if found:
            return found
        pool = sorted((invoice.pk for invoice in theirs), key=self._age)
        for combo in self._adding_up(pool[:MAX_COMBINED_POOL], entry.amount):
            total = sum((self.invoices[pk].open_amount for pk in combo), ZERO)
            found.append(self._candidate(
                [(pk, self.invoices[pk].open_amount) for pk in combo], [weight, W_EXACT],
                [reason, _reason("several_invoices", count=len(combo), total=total,
                                 currency=currency)]))
        if found:
            return found
        if len(pool) == 1:
            invoice = self.invoices[pool[0]]
            fit, allocated, fit_reason = self._fit(entry.amount, invoice.open_amount,
                                                   entry.bank_fee, currency)
            found.append(self._candidate([(invoice.pk, allocated)], [weight, fit],
                                         [reason, fit_reason]))
        return found

    def _adding_up(self, pool: list[int], amount: Decimal) -> list[tuple[int, ...]]:
        """Two or three invoices of the pool whose open amounts add up to `amount` (the
        fewest that do), found by look-up rather than by trying every combination."""
        position: dict[Decimal, list[int]] = defaultdict(list)
        for index, pk in enumerate(pool):
            position[self.invoices[pk].open_amount].append(index)

        def completing(rest: Decimal, after: int) -> list[int]:
            return [i for i in position.get(rest, ()) if i > after]

        pairs = [(pool[i], pool[j]) for i, pk in enumerate(pool)
                 for j in completing(amount - self.invoices[pk].open_amount, i)]
        if pairs:
            return pairs
        return [(pool[i], pool[j], pool[k]) for i, j in itertools.combinations(range(len(pool)), 2)
                for k in completing(amount - self.invoices[pool[i]].open_amount
                                    - self.invoices[pool[j]].open_amount, j)]

    def _reversals(self, entry: Entry) -> list[Candidate]:
        """Money going back to a client: a refund or a chargeback of an earlier payment."""
        back = -entry.amount
        purpose = (entry.purpose or "").upper()
        code = ("chargeback" if any(word in purpose for word in CHARGEBACK_WORDS)
                else "refund")
        evidence: dict[int, tuple[list[float], list[dict], BookedPayment]] = {}

        def note(payment: BookedPayment, weight: float, reason: dict) -> None:
            if payment.currency != entry.currency:
                return
            weights, reasons, _p = evidence.setdefault(payment.invoice_pk, ([], [], payment))
            if reason["code"] not in {r["code"] for r in reasons}:
                weights.append(weight)
                reasons.append(reason)

        if entry.end_to_end_id:
            for payment in self._booked_by_e2e.get(entry.end_to_end_id, ()):
                note(payment, W_SAME_TRANSFER, _reason("same_transfer_reference",
                                                       reference=entry.end_to_end_id))
        for key, _raw in candidate_keys(entry.purpose or "", self._prefixes):
            for payment in self._booked_by_number.get(key, ()):
                note(payment, W_NUMBER, _reason("invoice_number", number=payment.number))
        iban = iban_key(entry.counterparty_iban or "")
        for payment in self._booked_by_iban.get(iban, ()) if iban else ():
            if payment.amount == back or payment.invoice_pk in evidence:
                note(payment, W_PAYER_IBAN, _reason("payer_iban", iban=iban))
        found = []
        for pk, (weights, reasons, payment) in evidence.items():
            if payment.amount == back:
                weights = [*weights, W_SAME_AMOUNT_BACK]
            reasons = [*reasons, _reason(code, amount=back, currency=entry.currency,
                                         number=payment.number)]
            found.append(self._candidate([(pk, entry.amount)], weights, reasons))
        return found
