"""Nightly (cron or a scheduler): ``manage.py recompute_ratings [--year 2026]`` recomputes every rating."""

from django.core.management.base import BaseCommand

from credit.services import ratings_recompute_all


class Command(BaseCommand):
    help = "Recompute the credit ratings of a year (default: this year) from their events."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, year=None, **options):
        count = ratings_recompute_all(year=year)
        self.stdout.write(f"recomputed {count} ratings")
