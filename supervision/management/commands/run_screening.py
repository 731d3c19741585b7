"""python manage.py run_screening — run the rule library over the settlement lines (screening.md).

The monthly schedule is a hook of the daily job (``refresh_agreements`` → ``services.screening_monthly``);
``--last-month`` runs the previous calendar month by hand.
"""

import datetime
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from supervision.org.models import User
from supervision.screening.models import ScreeningRun
from supervision.screening.services import last_month, run_screening


class Command(BaseCommand):
    help = (
        "Run screening synchronously: --rules CODE,… (default every active rule), --from/--to DATE (default all "
        'lines), --engine duckdb|spark, --dry-run (counts only). Prints {"run", "hits", "leads_created"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--rules", default="")
        parser.add_argument("--from", dest="date_from", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=datetime.date.fromisoformat)
        parser.add_argument("--last-month", action="store_true", help="the previous calendar month (for cron)")
        parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--user", default="", help="record the run as started by this user")

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['user']!r}.")
        date_from, date_to = options["date_from"], options["date_to"]
        if options["last_month"]:
            date_from, date_to = last_month()
        codes = [c.strip() for c in options["rules"].split(",") if c.strip()] or None
        try:
            run = run_screening(by=user, rule_codes=codes, date_from=date_from, date_to=date_to,
                                dry_run=options["dry_run"], engine=options["engine"])  # fmt: skip
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if run.status != ScreeningRun.Status.DONE:
            raise CommandError(run.message or run.status)
        self.stdout.write(json.dumps({"run": run.pk, "hits": run.hits_by_rule, "leads_created": run.leads_created}))
