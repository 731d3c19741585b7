"""python manage.py import_calendar FILE — load public holidays and make-up working days from a CSV."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.workdays import import_calendar_csv


class Command(BaseCommand):
    help = (
        "Import the working-day calendar from a CSV with the header date,kind,name (kind: holiday or workday; "
        "节假日/调休 also accepted). Every row is checked first: any bad row is reported and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, with or without BOM)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        try:
            count = import_calendar_csv(data)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(f"{path}: {len(exc.messages)} error(s); nothing was imported.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 text ({exc.reason}); nothing was imported.") from exc
        self.stdout.write(self.style.SUCCESS(f"{count} calendar day(s) imported from {path}."))
