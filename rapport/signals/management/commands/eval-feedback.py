"""`rapport eval-feedback`: what a user's 20 corrections change on the held-out set."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from rapport.signals.feedback_eval import CORRECTIONS, evaluate_feedback, format_report


class Command(BaseCommand):
    help = ("Simulate a user who corrects development messages; print precision and recall "
            "on the held-out set before and after, per corrected kind.")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--corrections", type=int, default=CORRECTIONS)
        parser.add_argument("--json", action="store_true", help="The full report as JSON.")

    def handle(self, *args: object, **options: object) -> None:
        report = evaluate_feedback(int(options["corrections"]))
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False)
                          if options["json"] else format_report(report))
