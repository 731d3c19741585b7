"""python manage.py seed_demo — the demo organisation, accounts and data (idempotent).

``--bench`` adds the bench data set on top (contract §Bench; ``supervision.bench_data``), ``--bench-scale``
shrinks or grows it (tests seed a tiny version).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from supervision.org import demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisation, accounts and data. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bench", action="store_true", help="Also load the bench data set (20 branches, 10,000 institutions, …)."
        )
        parser.add_argument(
            "--bench-scale",
            type=float,
            default=1.0,
            metavar="FACTOR",
            help="Multiply the bench data set's counts (default 1; branches stay 20).",
        )

    def handle(self, *args, **options):
        counts = demo.seed()
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({summary})."))
        if options["bench"]:
            from bench import seed_supervision as bench_data

            if options["bench_scale"] <= 0:
                raise CommandError("--bench-scale must be positive")
            started = time.monotonic()
            counts = bench_data.seed(scale=options["bench_scale"])
            summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
            seconds = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"Bench data ready in {seconds:.0f} s ({summary})."))
