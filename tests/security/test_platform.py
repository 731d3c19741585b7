"""Issue 13, finding 7: TRUNCATE on the audit table, public schema and docs, tracebacks for every 403."""

import logging

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from portal import audit
from supervision.org.models import AuditEvent


@pytest.fixture
def event(cast):
    with transaction.atomic():
        return audit.record(actor=cast.admin, verb="test", obj=cast.admin, reason="kept")


@pytest.mark.postgres_only
def test_truncate_of_the_audit_table_is_refused(event):
    with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic(), connection.cursor() as cursor:
        # The test runner's sessions allow TRUNCATE (Django flushes with it); a normal session does not.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the row inserted above has deferred checks
        cursor.execute("SET LOCAL portal.allow_audit_truncate = 'off'")
        cursor.execute("TRUNCATE supervision_auditevent CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_schema_needs_authentication(db):
    response = APIClient().get("/api/v1/schema/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_schema_served_to_a_signed_in_user(cast, api_for):
    response = api_for(cast.director).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200


def test_docs_send_anonymous_visitors_to_login(db, client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_docs_served_to_a_signed_in_user(cast, client_for):
    assert client_for(cast.director).get("/api/v1/docs/").status_code == 200


def test_403_is_logged_as_one_line_without_traceback(cast, client_for, capsys):
    """An HTML 403 wrote a full traceback to the log; now one line (the console handler's filter)."""
    root = logging.getLogger()
    handler = next(h for h in root.handlers if type(h) is logging.StreamHandler) if root.handlers else None
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            for f in handler.filters if handler else []:
                f.filter(record)
            records.append(self.format(record))

    keep = Keep()
    logging.getLogger("django.request").addHandler(keep)
    try:
        response = client_for(cast.b01_officer).get(reverse("supervision:institution-create"))
    finally:
        logging.getLogger("django.request").removeHandler(keep)
    assert response.status_code == 403
    assert records, "the 403 is logged"
    assert all("Traceback" not in line and "\n" not in line for line in records)


def test_log_filter_keeps_tracebacks_of_server_errors():
    from portal.logs import OneLineClientErrors

    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal", (), exc_info)
    record.status_code = 500
    OneLineClientErrors().filter(record)
    assert record.exc_info is not None
    record.status_code = 403
    OneLineClientErrors().filter(record)
    assert record.exc_info is None
