"""python manage.py import_leads FILE — import screening leads (the same service as the API and the page)."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from supervision.leads.imports import lead_import
from supervision.leads.models import ImportBatch
from supervision.org.models import User


class Command(BaseCommand):
    help = (
        "Import screening leads from a CSV (UTF-8 or GB18030) or XLSX file with the header institution_code, "
        "rule_code, description, amount, occurred_on, external_id. Every row is checked first: any bad row is "
        "reported (row, column, problem) and nothing is written; rows already imported are skipped. The import "
        "runs as --user (an analyst or a chief), whose jurisdiction must cover every institution."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--user", default="analyst", help="the importing user (default: analyst)")
        parser.add_argument(
            "--encoding",
            default="auto",
            choices=ImportBatch.Encoding.values,
            help="encoding of a CSV file (default: detect UTF-8, then GB18030)",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            with path.open("rb") as handle:
                batch = lead_import(by=user, fileobj=handle, file_name=path.name, encoding=options["encoding"])
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        except PermissionDenied as exc:
            raise CommandError(f"{user.username} may not import leads.") from exc
        if options["json"]:
            report = {
                "batch": batch.pk,
                "status": batch.status,
                "created": batch.created_count,
                "skipped": batch.skipped_count,
                "errors": batch.errors,
                "message": batch.message,
            }
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        if batch.status == ImportBatch.Status.DONE:
            if not options["json"]:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Batch {batch.pk}: {batch.created_count} lead(s) imported, {batch.skipped_count} row(s) "
                        f"skipped as already imported, from {batch.total_rows} row(s) of {path.name}."
                    )
                )
            return
        if batch.status == ImportBatch.Status.REJECTED and not options["json"]:
            for error in batch.errors:
                row = error["row"] if error["row"] is not None else "-"
                self.stderr.write(f"row {row}, {error['field'] or 'file'}: {error['message']}")
        if batch.status == ImportBatch.Status.REJECTED:
            raise CommandError(f"{path}: {batch.error_count} row(s) with errors; nothing was imported.")
        raise CommandError(f"{path}: the import failed; nothing was imported. {batch.message}")
