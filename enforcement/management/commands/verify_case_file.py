"""python manage.py verify_case_file CASE_NUMBER — re-hash an archived case file against its recorded manifest."""

from django.core.management.base import BaseCommand, CommandError

from enforcement.casefile.services import verify_file
from enforcement.cases.models import Case


class Command(BaseCommand):
    help = (
        "Re-hash every item of a case file (its stored bytes against the recorded SHA-256) and the manifest "
        "against the manifest SHA-256 recorded when the case was archived. Exits non-zero on any difference, "
        "naming the item."
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="The case number, e.g. B01-2026-0007")

    def handle(self, *args, **options):
        case = Case.objects.filter(number=options["case_number"]).first()
        if case is None:
            raise CommandError(f"No case numbered {options['case_number']}.")
        result = verify_file(case)
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"{case.number}: the case file does not match its records ({len(result.problems)}).")
        self.stdout.write(
            f"{case.number}: {result.checked} items and the manifest match (manifest SHA-256 {result.manifest_sha256})."
        )
