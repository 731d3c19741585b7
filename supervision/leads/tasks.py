"""Background tasks of the supervision app (django-tasks; the DatabaseBackend's ``db_worker`` runs them)."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from supervision.leads.imports import lead_import_run
from supervision.leads.models import ImportBatch


@task()
def lead_import_task(batch_id: int, language: str = "") -> dict:
    """Run an uploaded screening import; the batch row carries its progress and report."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.is_final:
        return {"status": batch.status}  # a retried task does not import twice
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            lead_import_run(batch=batch)
        except Exception as exc:
            ImportBatch.objects.filter(pk=batch_id).update(
                status=ImportBatch.Status.FAILED, message=f"{type(exc).__name__}: {exc}"[:2000]
            )
            raise
    return {"status": batch.status, "created": batch.created_count, "skipped": batch.skipped_count}
