"""python manage.py refresh_agreements — daily: expire agreements whose period has ended (run from cron)."""

from django.core.management.base import BaseCommand

from supervision.register.services import agreements_refresh


class Command(BaseCommand):
    help = "End suspensions that are due and expire agreements past their end date. Run daily from cron."

    def handle(self, *args, **options):
        for job, count in agreements_refresh().items():
            self.stdout.write(f"{job}: {count}")
