"""python manage.py seed_demo — the demo organisation, accounts and data (idempotent)."""

from django.core.management.base import BaseCommand

from supervision import demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisation, accounts and data. Safe to run again."

    def handle(self, *args, **options):
        counts = demo.seed()
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({summary})."))
