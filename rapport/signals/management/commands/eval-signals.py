"""`rapport eval-signals`: precision and recall of the text detectors, as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from rapport.signals.evaluation import (
    CORPUS,
    HOLDOUT,
    cross_validated,
    evaluate,
    load_corpus,
    validation_rows,
)


class Command(BaseCommand):
    help = ("Print per-kind and per-language precision and recall (95 % Wilson intervals) of "
            "the lexicons, the learned model and both combined, on the development corpus, "
            "its validation part and the held-out set; with --cross-validate also the "
            "development corpus cross-validated (the model retrained per fold).")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--corpus", type=Path, action="append",
                            help="A JSONL corpus (repeatable); default: development and "
                                 "held-out corpora.")
        parser.add_argument("--errors", action="store_true",
                            help="Include the misclassified messages.")
        parser.add_argument("--cross-validate", action="store_true",
                            help="Also report the development corpus with every message "
                                 "judged by a model trained without it (slow: one training "
                                 "per fold).")

    def handle(self, *args: object, **options: object) -> None:
        paths = options["corpus"] or [CORPUS, HOLDOUT]
        sets = {path.stem: load_corpus(path) for path in paths}
        if not options["corpus"]:
            sets["validation"] = validation_rows()
        report = {}
        for name, rows in sets.items():
            result = evaluate(rows)
            if not options["errors"]:
                result.pop("errors")
            report[name] = result
        if options["cross_validate"]:
            report["corpus_cross_validated"] = cross_validated(sets.get("corpus")
                                                               or load_corpus(CORPUS))
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
