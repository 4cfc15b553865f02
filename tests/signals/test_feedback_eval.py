"""`rapport eval-feedback`: the simulated user's corrections, measured on the held-out set."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from rapport.signals.evaluation import HOLDOUT, load_corpus
from rapport.signals.feedback_eval import format_report


def test_twenty_development_messages_are_corrected_and_measured_on_the_held_out_set():
    out = StringIO()
    call_command("eval-feedback", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["messages_corrected"] == 20
    held_out = "\n".join(row["text"] for row in load_corpus(HOLDOUT))
    assert not [c for c in report["corrections"] if c["sentence"] in held_out]
    for kind in report["kinds"]:
        assert report["before"][kind]["recall"] is not None
        # Teaching never costs what the lexicons found on unseen mail.
        assert report["after"][kind]["recall"] >= report["before"][kind]["recall"]
    text = format_report(report)
    assert "corrected 20 development messages" in text
    assert "haggling" in text and "→" in text
