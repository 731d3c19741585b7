"""The PostgreSQL import path used outside a transaction (the page's task, the API, the command): rows are
written with COPY by a writer thread while later rows are still being checked. Real commits are needed to see
it (the writer works on a connection of its own), hence transaction=True; the outcome must be the same as
the sequential path's: all rows or none, repeats skipped, one audit row."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from supervision import leads_import
from supervision.models import AuditEvent, ImportBatch, Lead
from tests.factories import InstitutionFactory
from tests.supervision.test_lead_import import csv_bytes

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def codes(org):
    return [InstitutionFactory(jurisdiction=unit).code for unit in (org.b01, org.b02, org.b01)]


def rows(codes, count, start=0):
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    return [[codes[n % 3], "R1", f"线索{n}", "10.00", day, f"P-{n:06d}"] for n in range(start, start + count)]


def run(user, data):
    assert not connection.in_atomic_block
    assert leads_import._use_pipeline()
    return leads_import.lead_import(by=user, fileobj=io.BytesIO(data), file_name="s.csv")


def test_pipelined_import_writes_every_row_in_its_branch(cast, codes, settings):
    settings.LEAD_IMPORT = {**settings.LEAD_IMPORT, "chunk_size": 700}  # several chunks and COPY statements
    batch = run(cast.analyst, csv_bytes(rows(codes, 5000)))
    assert batch.status == "done", (batch.errors, batch.message)
    assert (batch.created_count, batch.skipped_count) == (5000, 0)
    assert Lead.objects.count() == 5000
    assert all(
        lead.jurisdiction_id == lead.institution.jurisdiction_id for lead in Lead.objects.select_related("institution")
    )
    assert ImportBatch.objects.get(pk=batch.pk).status == "done"
    assert AuditEvent.objects.filter(verb="import", object_id=str(batch.pk)).count() == 1


def test_a_bad_last_row_leaves_nothing_written(cast, codes, settings):
    settings.LEAD_IMPORT = {**settings.LEAD_IMPORT, "chunk_size": 500}
    data = rows(codes, 4000)
    data[-1][3] = "x"
    batch = run(cast.analyst, csv_bytes(data))
    assert batch.status == "rejected"
    assert [(e["row"], e["field"]) for e in batch.errors] == [(4001, "amount")]
    assert Lead.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="import").exists()


def test_repeats_are_skipped(cast, codes, settings):
    settings.LEAD_IMPORT = {**settings.LEAD_IMPORT, "chunk_size": 300}
    run(cast.analyst, csv_bytes(rows(codes, 1000)))
    again = run(cast.analyst, csv_bytes(rows(codes, 1000, start=500)))
    assert (again.status, again.created_count, again.skipped_count) == ("done", 500, 500)
    assert Lead.objects.count() == 1500
