"""Background tasks of smart screening (django-tasks; ``db_worker`` runs them): a settlement import and a run.
Each row carries its own progress; a retried task does nothing to a finished row."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from supervision.screening.imports import settlement_import_run
from supervision.screening.models import ScreeningRun, SettlementBatch
from supervision.screening.services import run_execute


@task()
def settlement_import_task(batch_id: int, language: str = "") -> dict:
    batch = SettlementBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.is_final:
        return {"status": batch.status}
    with translation.override(language or settings.LANGUAGE_CODE):
        settlement_import_run(batch=batch)
    return {"status": batch.status, "lines": batch.line_count, "skipped": batch.skipped_count}


@task()
def screening_run_task(run_id: int, language: str = "") -> dict:
    run = ScreeningRun.objects.select_related("created_by", "catalogue_version").get(pk=run_id)
    if run.is_final:
        return {"status": run.status}
    with translation.override(language or settings.LANGUAGE_CODE):
        run_execute(run=run)
    return {"status": run.status, "hits": run.hits_by_rule, "leads": run.leads_created}
