"""`rapport eval-signals`: precision and recall of the text detectors, as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from rapport.signals.evaluation import CORPUS, HOLDOUT, evaluate, load_corpus


class Command(BaseCommand):
    help = "Print per-kind and per-language precision and recall on the labelled corpus."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--corpus", type=Path, action="append",
                            help="A JSONL corpus (repeatable); default: development and "
                                 "held-out corpora.")
        parser.add_argument("--errors", action="store_true",
                            help="Include the misclassified messages.")

    def handle(self, *args: object, **options: object) -> None:
        paths = options["corpus"] or [CORPUS, HOLDOUT]
        report = {}
        for path in paths:
            result = evaluate(load_corpus(path))
            if not options["errors"]:
                result.pop("errors")
            report[path.stem] = result
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
