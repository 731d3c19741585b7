"""Background tasks of the enforcement app (django-tasks; run by ``manage.py db_worker``, see README)."""

from django_tasks import task


@task()
def build_print_batch(batch_id: int) -> dict:
    """Merge a print batch's documents into one PDF (enforcement.services.documents.print_batch_build)."""
    from enforcement.documents.models import PrintBatch
    from enforcement.documents.services import print_batch_build

    batch = print_batch_build(batch=PrintBatch.objects.get(pk=batch_id))
    return {"state": batch.state, "pages": batch.pages, "size": batch.size}
