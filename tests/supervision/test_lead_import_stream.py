"""Lead import on PostgreSQL outside any transaction (how the task, the command and the API run it): the rows go
into one COPY while they are checked (supervision.leads.imports.CopyStream); all or nothing is kept."""

from unittest import mock

import pytest
from django.db import connection
from django.utils import translation

from supervision.leads import imports
from supervision.leads.models import ImportBatch, Lead
from supervision.org.models import AuditEvent
from tests.supervision.test_lead_import import csv_bytes, institutions, rows_for, run  # noqa: F401 - fixture

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.postgres_only]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def streams():
    """Count the rows that reach the COPY, and make sure the import took the streaming path."""
    written = []
    original = imports.CopyStream.add

    def add(self, rows):
        assert connection.in_atomic_block  # inside the import's own transaction
        written.append(len(rows) if not self.abandoned else 0)
        return original(self, rows)

    with mock.patch.object(imports.CopyStream, "add", add):
        yield written


def test_good_file_is_written_while_checked(cast, institutions, streams, settings):  # noqa: F811
    settings.LEAD_IMPORT = {**settings.LEAD_IMPORT, "chunk_size": 1000}
    batch = run(cast.analyst, csv_bytes(rows_for(institutions, 4500)))
    assert batch.status == "done", (batch.errors, batch.message)
    assert (batch.created_count, batch.skipped_count, batch.total_rows) == (4500, 0, 4500)
    assert Lead.objects.filter(batch=batch).count() == 4500
    assert streams == [1000, 1000, 1000, 1000, 500]  # chunk by chunk, as they passed
    assert AuditEvent.objects.filter(verb="import", object_id=str(batch.pk)).count() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.progress, batch.processed_rows) == ("done", 100, 4500)


def test_bad_row_in_the_middle_writes_nothing_and_the_report_is_complete(cast, institutions, streams, settings):  # noqa: F811
    settings.LEAD_IMPORT = {**settings.LEAD_IMPORT, "chunk_size": 1000}
    rows = rows_for(institutions, 5000)
    rows[2500][3] = "十元"  # row 2502: chunks 1 and 2 are already in the COPY
    rows[4200][4] = "not a date"  # after the first error: still checked and reported
    rows[4999][0] = ""
    batch = run(cast.analyst, csv_bytes(rows))
    assert batch.status == "rejected"
    assert [(e["row"], e["field"]) for e in batch.errors] == [
        (2502, "amount"),
        (4202, "occurred_on"),
        (5001, "institution_code"),
    ]
    assert batch.error_count == 3 and batch.total_rows == 5000
    assert sum(streams) == 2000  # two chunks had been streamed before the bad row
    assert not Lead.objects.exists()  # ... and were rolled back with the COPY
    assert not AuditEvent.objects.filter(verb="import").exists()
    assert ImportBatch.objects.get(pk=batch.pk).status == "rejected"


def test_ids_imported_before_are_skipped_while_streaming(cast, institutions, streams):  # noqa: F811
    first = run(cast.analyst, csv_bytes(rows_for(institutions, 3)))
    assert first.status == "done"
    again = run(cast.analyst, csv_bytes(rows_for(institutions, 5)))
    assert (again.status, again.created_count, again.skipped_count) == ("done", 2, 3)
    assert Lead.objects.count() == 5
    assert Lead.objects.filter(batch=again).count() == 2


def test_a_file_problem_after_rows_were_streamed_writes_nothing(cast, institutions, settings):  # noqa: F811
    settings.LEAD_IMPORT = {**settings.LEAD_IMPORT, "chunk_size": 100, "max_rows": 250}
    batch = run(cast.analyst, csv_bytes(rows_for(institutions, 300)))
    assert batch.status == "rejected" and "more than 250 rows" in batch.errors[0]["message"]
    assert not Lead.objects.exists()
