"""Demo data of smart screening (settings.DEMO_SEEDERS): the knowledge base, the rule library, a settlement
file with planted violations of every rule across the demo branches, imported by the analyst and screened —
so the branches' inboxes hold screening leads with their evidence lines. Idempotent: keyed on the file name."""

import datetime
import itertools
import tempfile
from pathlib import Path

from django.utils import timezone

from supervision.screening import generator
from supervision.screening.imports import catalogue_import, settlement_import
from supervision.screening.models import CatalogueVersion, SettlementBatch
from supervision.screening.services import rules_seed, run_screening

DEMO_FILE = "demo-settlements.csv"


def seed(*, units, users, institutions, **_context) -> dict:
    import io

    import duckdb

    if SettlementBatch.objects.filter(file_name=DEMO_FILE, status=SettlementBatch.Status.DONE).exists():
        return {}
    analyst = users["analyst"]
    if not CatalogueVersion.objects.exists():
        catalogue_import(
            by=analyst, fileobj=io.BytesIO(generator.catalogue_csv().encode()), file_name="demo-catalogue.csv"
        )
    rules_seed(by=analyst)
    # Interleave the branches so that planted cases land in every branch.
    by_branch: dict = {}
    for inst in sorted(institutions, key=lambda i: i.code):
        by_branch.setdefault(inst.jurisdiction_id, []).append((inst.code, inst.kind, int(inst.level or 0)))
    mixed = [i for group in itertools.zip_longest(*by_branch.values()) for i in group if i is not None]
    today = timezone.localdate()
    plan = generator.Plan(visits=3000, purchases=800, stays=150, planted=6, days=60,
                          start=today.replace(day=1) - datetime.timedelta(days=62), prefix="DEMO")  # fmt: skip
    con = duckdb.connect()
    with tempfile.TemporaryDirectory() as workdir:
        generator.generate(con, mixed, plan)
        path = Path(workdir) / DEMO_FILE
        generator.write_csv(con, path)
        con.close()
        with path.open("rb") as handle:
            batch = settlement_import(by=analyst, fileobj=handle, file_name=DEMO_FILE)
    run = run_screening(by=analyst)
    return {
        "settlement lines": batch.line_count,
        "screening hits": run.total_hits,
        "screening leads": run.leads_created,
    }
