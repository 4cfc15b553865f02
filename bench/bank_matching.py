"""Bank matching benchmark: a statement of 100,000 lines against 50,000 open invoices.

Generates (seeded) one workspace with BENCH_BANK_INVOICES open invoices of 2,000 clients
(some partly paid, some payers already known) and a CAMT.053 file with
BENCH_BANK_TRANSACTIONS entries: invoice numbers written every which way, known payers
without a number, bare amounts, and unrelated money in and out. Then, in one run:

- the time to parse the statement alone (the import's own CAMT parser), and for
  reference the time lxml takes merely to walk its entries;
- the time to match every line: reading the open invoices, known payers and clients
  from the database into the index, then deciding each line (book, suggest, unmatched).
  The goal: at most twice the parse time;
- the memory the matching adds (tracemalloc peak, index included) for a tenth of the
  file and for all of it: the goal is flat, i.e. about the same for both;
- `match_new` on BENCH_BANK_STORED stored transactions, bookings and suggestions written.

Progress goes to stderr; the results are returned to `run.py`, which prints them as JSON.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

N_INVOICES = int(os.environ.get("BENCH_BANK_INVOICES", "50000"))
N_TRANSACTIONS = int(os.environ.get("BENCH_BANK_TRANSACTIONS", "100000"))
N_STORED = int(os.environ.get("BENCH_BANK_STORED", "2000"))
N_CLIENTS = 2000
SEED = 20261202
BATCH = 5000
CENT = Decimal("0.01")


def _say(text: str) -> None:
    print(f"bank_matching: {text}", file=sys.stderr, flush=True)


def _iban(rng: random.Random) -> str:
    return "DE" + "".join(rng.choice("0123456789") for _ in range(20))


def _setup(rng: random.Random) -> tuple[object, list[tuple[str, int, Decimal]], list[str]]:
    """The workspace, its open invoices (number, client index, open amount) and client IBANs."""
    from rapport.accounts.models import User
    from rapport.banking.models import KnownPayer
    from rapport.billing.models import Invoice, Payment
    from rapport.clients.models import Client
    from rapport.core.services import create_workspace

    user = User.objects.create_user("bank-bench@rapport.example", "x" * 20, name="Bench")
    workspace = create_workspace(user, name="Bank bench", time_zone="Europe/Berlin",
                                 holiday_country="DE", holiday_subdivision="BE", language="de")
    clients = Client.objects.bulk_create(
        Client(workspace=workspace, name=f"Kunde {n} GmbH") for n in range(N_CLIENTS))
    ibans = [_iban(rng) for _ in clients]
    KnownPayer.objects.bulk_create(
        KnownPayer(workspace=workspace, client=client, iban=ibans[n])
        for n, client in enumerate(clients) if n % 4 == 0)
    issued_on = dt.date(2026, 1, 5)
    invoices, rows = [], []
    for n in range(N_INVOICES):
        gross = (Decimal(rng.randint(5000, 900000)) * CENT).quantize(CENT)
        client_index = rng.randrange(N_CLIENTS)
        number = f"RE-{2025 + n // 40000}-{n % 40000 + 1:05d}"
        invoices.append(Invoice(
            workspace=workspace, client=clients[client_index], state=Invoice.State.ISSUED,
            number=number, issue_date=issued_on, due_date=issued_on + dt.timedelta(days=14),
            net_total=gross, gross_total=gross, currency="EUR"))
        rows.append((number, client_index, gross))
    for start in range(0, len(invoices), BATCH):
        Invoice.objects.bulk_create(invoices[start:start + BATCH])
    stored = Invoice.objects.filter(workspace=workspace).order_by("pk").values_list("pk",
                                                                                    flat=True)
    payments = []
    for index, pk in enumerate(stored):
        if index % 10 == 0:  # every tenth is partly paid already
            part = (rows[index][2] / 4).quantize(CENT)
            payments.append(Payment(workspace=workspace, invoice_id=pk, amount=part,
                                    paid_on=issued_on + dt.timedelta(days=7)))
            rows[index] = (rows[index][0], rows[index][1], rows[index][2] - part)
    Payment.objects.bulk_create(payments, batch_size=BATCH)
    return workspace, rows, ibans


def _spelled(number: str, rng: random.Random) -> str:
    """The invoice number as clients really write it."""
    year, seq = number.split("-")[1:]
    choice = rng.randrange(6)
    if choice == 0:
        return f"Rechnung {number}"
    if choice == 1:
        return f"RE {year} {seq} vielen Dank"
    if choice == 2:
        return f"Rg.-Nr. {year}-{seq}"
    if choice == 3:
        return number.replace("0", "O")
    if choice == 4:
        return f"{number}"
    return f"Zahlung zu re{year}{seq}, Kundennr. {rng.randint(1000, 9999)}"


def write_camt(path: Path, invoices: list[tuple[str, int, Decimal]], ibans: list[str],
               count: int, rng: random.Random) -> None:
    """A CAMT.053.001.08 statement with `count` entries, written as a stream."""
    start = dt.date(2026, 2, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:'
                  '20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId>'
                  "<CreDtTm>2026-06-01T08:00:00+02:00</CreDtTm></GrpHdr><Stmt><Id>BENCH-1</Id>"
                  "<CreDtTm>2026-06-01T08:00:00+02:00</CreDtTm><Acct><Id><IBAN>"
                  "DE12500105170648489890</IBAN></Id><Ccy>EUR</Ccy></Acct>\n")
        for n in range(count):
            number, client_index, open_amount = invoices[rng.randrange(len(invoices))]
            kind = rng.random()
            name, iban = f"Kunde {client_index} GmbH", ibans[client_index]
            if kind < 0.45:
                amount, purpose = open_amount, _spelled(number, rng)
            elif kind < 0.55:
                amount, purpose = (open_amount / 2).quantize(CENT), _spelled(number, rng)
            elif kind < 0.70:
                amount, purpose = open_amount, "Danke fuer die gute Zusammenarbeit"
            elif kind < 0.80:
                amount, purpose, name = open_amount, "Ueberweisung", "Privat"
            else:
                amount = -(Decimal(rng.randint(100, 200000)) * CENT)
                purpose, name, iban = f"Lastschrift Miete {n}", "Hausverwaltung", _iban(rng)
            day = start + dt.timedelta(days=n % 120)
            mark = "CRDT" if amount > 0 else "DBIT"
            role, account = ("Dbtr", "DbtrAcct") if amount > 0 else ("Cdtr", "CdtrAcct")
            out.write(
                f'<Ntry><Amt Ccy="EUR">{abs(amount)}</Amt><CdtDbtInd>{mark}</CdtDbtInd>'
                f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}"
                f"</Dt></ValDt><AcctSvcrRef>B{n}</AcctSvcrRef><NtryDtls><TxDtls><Refs>"
                f"<EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties><{role}><Nm>{name}"
                f"</Nm></{role}><{account}><Id><IBAN>{iban}</IBAN></Id></{account}>"
                f"</RltdPties><RmtInf><Ustrd>{purpose}</Ustrd></RmtInf></TxDtls></NtryDtls>"
                "</Ntry>\n")
        out.write("</Stmt></BkToCstmrStmt></Document>\n")


def _lxml_scan(path: Path) -> float:
    """A stricter yardstick than the import's parser: lxml walking every entry and reading
    its amount, nothing else."""
    from lxml import etree

    started = time.perf_counter()
    tag = "{urn:iso:std:iso:20022:tech:xsd:camt.053.001.08}Ntry"
    for _event, element in etree.iterparse(str(path), tag=tag):
        element.findtext("{urn:iso:std:iso:20022:tech:xsd:camt.053.001.08}Amt")
        element.clear(keep_tail=False)
    return time.perf_counter() - started


def _match(workspace_id: int, records: list) -> dict[str, int]:
    from rapport.banking.engine import Decision
    from rapport.banking.matching import load_matcher, threshold_for

    started = time.perf_counter()
    threshold = threshold_for(workspace_id)
    matcher = load_matcher(workspace_id)
    _match.index_seconds = time.perf_counter() - started  # type: ignore[attr-defined]
    counts = {Decision.BOOK: 0, Decision.SUGGEST: 0, Decision.NONE: 0}
    for record in records:
        decision = matcher.decide(record, threshold)
        counts[decision.action] += 1
        if decision.action == Decision.BOOK:
            matcher.consume(decision.candidate)
    return counts


def _peak_mb(workspace_id: int, records: list) -> float:
    gc.collect()
    tracemalloc.start()
    _match(workspace_id, records)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 1e6, 1)


def _stored_run(workspace, records: list) -> dict[str, object]:
    """match_new on transactions in the database, with every booking written."""
    from rapport.banking.importing import import_transactions
    from rapport.banking.matching import match_new
    from rapport.banking.models import BankTransaction

    import_transactions(workspace, "camt053", records[:N_STORED])
    ids = list(BankTransaction.objects.filter(workspace=workspace).values_list("pk", flat=True))
    started = time.perf_counter()
    counts = match_new(workspace.pk, ids)
    seconds = time.perf_counter() - started
    return {"stored_transactions": len(ids), "stored_seconds": round(seconds, 2),
            "stored_counts": counts}


def bench_bank_matching() -> list[dict[str, object]]:
    from run import _TMP, _django

    _django()
    from django.conf import settings

    settings.DEBUG = False
    from rapport.banking.parsers import camt

    rng = random.Random(SEED)
    _say(f"creating {N_INVOICES} open invoices")
    workspace, invoices, ibans = _setup(rng)
    path = Path(_TMP.name) / "bench-camt053.xml"
    _say(f"writing a CAMT.053 statement with {N_TRANSACTIONS} entries")
    write_camt(path, invoices, ibans, N_TRANSACTIONS, rng)

    started = time.perf_counter()
    parsed = camt.parse(path.read_bytes())
    parse_seconds = time.perf_counter() - started
    records = parsed.records
    scan_seconds = _lxml_scan(path)
    _say(f"parsed {len(records)} entries in {parse_seconds:.2f} s; matching")

    started = time.perf_counter()
    counts = _match(workspace.pk, records)
    match_seconds = time.perf_counter() - started
    index_seconds = _match.index_seconds  # type: ignore[attr-defined]
    _say(f"matched in {match_seconds:.2f} s; measuring memory")
    tenth = records[:len(records) // 10]
    peak_tenth, peak_all = _peak_mb(workspace.pk, tenth), _peak_mb(workspace.pk, records)
    _say("match_new on stored transactions")
    stored = _stored_run(workspace, records)
    ratio = match_seconds / parse_seconds
    return [{
        "name": "bank_matching",
        "transactions": len(records),
        "open_invoices": N_INVOICES,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "parse_seconds": round(parse_seconds, 2),
        "match_seconds": round(match_seconds, 2),
        "of_which_reading_invoices_seconds": round(index_seconds, 2),
        "lxml_scan_seconds": round(scan_seconds, 2),
        "match_vs_lxml_scan": round(match_seconds / scan_seconds, 2),
        "booked": counts["book"], "suggested": counts["suggest"], "unmatched": counts["none"],
        "match_peak_mb_tenth_of_file": peak_tenth,
        "match_peak_mb_whole_file": peak_all,
        "memory_growth_with_file": round(peak_all / peak_tenth, 2) if peak_tenth else None,
        **stored,
        "goal": "match_seconds <= 2 x parse_seconds; memory flat in file size",
        "met": ratio <= 2.0,
        "value": round(ratio, 2),
        "unit": "x parse time",
    }]
