"""`rapport demo`: a ready-made account to explore the product without typing data first."""

from __future__ import annotations

from argparse import ArgumentParser

from django.conf import settings
from django.core.management.base import BaseCommand

from rapport.front.demo import DEMO_EMAIL, DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = (
        "Create a demo freelancer with clients, notes and projects (idempotent; use --reset "
        "to rebuild). The password is public: never run this on a server others can reach."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--reset", action="store_true",
            help="Delete the demo user and their workspace, then build everything again.",
        )
        parser.add_argument("--email", default=DEMO_EMAIL, help="Login of the demo user.")
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Demo password.")

    def handle(self, *args: object, **options: object) -> None:
        login = build_demo(
            reset=bool(options["reset"]), email=str(options["email"]),
            password=str(options["password"]),
        )
        if login.created:
            self.stdout.write(self.style.SUCCESS(
                f"Demo data created: {login.clients} clients in “{login.workspace}”."
            ))
        else:
            self.stdout.write(
                "The demo user already exists; nothing was changed. "
                "Run `rapport demo --reset` to start over."
            )
        if not settings.DEBUG:
            self.stderr.write(self.style.WARNING(
                "Warning: the demo password is public. Do not keep this account on a "
                "server that others can reach."
            ))
        self.stdout.write("")
        self.stdout.write(f"Demo login: {login.email} / {login.password}")
        self.stdout.write(f"Open {settings.BASE_URL}/ and sign in.")  # the address served
