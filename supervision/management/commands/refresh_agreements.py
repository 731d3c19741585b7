"""python manage.py refresh_agreements — daily: expire agreements whose period has ended (run from cron)."""

from django.core.management.base import BaseCommand

from supervision.services import agreements_expire


class Command(BaseCommand):
    help = "Expire service agreements past their end date. Meant for a daily cron job."

    def handle(self, *args, **options):
        count = agreements_expire()
        self.stdout.write(f"{count} agreement(s) expired.")
