"""python manage.py notify_due_soon — daily (also run by refresh_agreements): tell each staff user which items of
their inbox fall due within INBOX_DUE_SOON_WORKING_DAYS working days; once per item and day."""

from django.core.management.base import BaseCommand

from supervision.notifications.services import notify_due_soon


class Command(BaseCommand):
    help = "Notify each staff user of the inbox items that fall due soon (idempotent per item and day)."

    def handle(self, *args, **options):
        self.stdout.write(f"notify_due_soon: {notify_due_soon()}")
