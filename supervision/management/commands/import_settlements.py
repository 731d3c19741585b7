"""python manage.py import_settlements FILE — settlement lines into the screening data (screening.md)."""

import json
import sys
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from supervision.org.models import User
from supervision.screening.imports import UploadTooLarge, settlement_import
from supervision.screening.models import SettlementBatch


class Command(BaseCommand):
    help = (
        "Import settlement lines (CSV UTF-8/GB18030, XLSX or Parquet with the columns of screening.md). Every row "
        "is checked first; any bad row prints the report and exits 2, keeping nothing. Lines already imported "
        'are skipped. Prints {"batch", "lines", "skipped"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", default="analyst", help="the importing user (default: analyst)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            with path.open("rb") as handle:
                batch = settlement_import(by=user, fileobj=handle, file_name=path.name)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        except PermissionDenied as exc:
            raise CommandError(f"{user.username} may not import settlement data.") from exc
        except UploadTooLarge as exc:
            raise CommandError(str(exc)) from exc
        if batch.status == SettlementBatch.Status.DONE:
            self.stdout.write(
                json.dumps({"batch": batch.pk, "lines": batch.line_count, "skipped": batch.skipped_count})
            )
            return
        self.stdout.write(json.dumps({"batch": batch.pk, "errors": batch.errors, "message": batch.message},
                                     ensure_ascii=False))  # fmt: skip
        sys.exit(2)
