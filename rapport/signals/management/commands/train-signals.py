"""`rapport train-signals`: rewrite the learned detectors' weights from the corpus."""

from __future__ import annotations

import filecmp
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rapport.signals.evaluation import CORPUS, load_corpus
from rapport.signals.learned import MODEL_DIR, model_path
from rapport.signals.training import train


class Command(BaseCommand):
    help = ("Train the learned warning-sign detectors from the development corpus into "
            "rapport/signals/data/model/ (deterministic; the held-out set is not read).")
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--check", action="store_true",
                            help="Train into a temporary folder and fail unless the result "
                                 "equals the committed files byte for byte.")

    def handle(self, *args: object, **options: object) -> None:
        rows = load_corpus(CORPUS)
        if not options["check"]:
            thresholds = train(rows, MODEL_DIR)
            for kind, threshold in thresholds.items():
                self.stdout.write(f"{model_path(kind)}  threshold {threshold}")
            return
        with tempfile.TemporaryDirectory() as tmp:
            thresholds = train(rows, Path(tmp))
            differing = [kind for kind in thresholds
                         if not model_path(kind).exists() or not filecmp.cmp(
                             model_path(kind, Path(tmp)), model_path(kind), shallow=False)]
        if differing:
            raise CommandError("The committed model differs from a fresh training for: "
                               + ", ".join(differing) + ". Run `make model`.")
        self.stdout.write("The committed model is reproduced byte for byte.")
