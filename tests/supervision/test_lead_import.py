"""Bulk import of screening leads (contract leads/import/): one service behind the API, the command and the
upload page. Every bad file gives a clear report and writes nothing."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from supervision.leads.imports import lead_import
from supervision.leads.models import ImportBatch, Lead
from supervision.org.models import AuditEvent
from tests.factories import InstitutionFactory

HEADER = ["institution_code", "rule_code", "description", "amount", "occurred_on", "external_id"]
IMPORT_URL = "/api/v1/leads/import/"


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English (the msgids); the zh-hans catalogue may translate them at any time.
    with translation.override("en"):
        yield


@pytest.fixture
def institutions(org):
    return {
        "b01": InstitutionFactory(jurisdiction=org.b01, code="H330101000001", name="东湖人民医院"),
        "b01b": InstitutionFactory(jurisdiction=org.b01, code="P330101000002", name="东湖大药房"),
        "b02": InstitutionFactory(jurisdiction=org.b02, code="H330102000001", name="西山中医医院"),
    }


def rows_for(institutions, count=3, start=1):
    codes = [i.code for i in institutions.values()]
    day = (timezone.localdate() - timedelta(days=10)).isoformat()
    return [
        [codes[n % len(codes)], f"R{n % 7:03d}", f"疑似串换药品 第{n}条", f"{n * 10}.50", day, f"EXT-{n:06d}"]
        for n in range(start, start + count)
    ]


def csv_bytes(rows, header=HEADER, encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(user, data: bytes, name="screening.csv", encoding="auto") -> ImportBatch:
    return lead_import(by=user, fileobj=io.BytesIO(data), file_name=name, encoding=encoding)


def upload(api, data: bytes, name="screening.csv", **extra):
    return api.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data), **extra}, format="multipart")


# --- The happy path ----------------------------------------------------------------------------------------


def test_csv_utf8_rows_land_in_their_institutions_branches(cast, institutions):
    batch = run(cast.analyst, csv_bytes(rows_for(institutions, 6)))
    assert batch.status == "done", batch.errors
    assert (batch.created_count, batch.skipped_count, batch.total_rows) == (6, 0, 6)
    leads = Lead.objects.filter(batch=batch)
    assert leads.count() == 6
    for lead in leads.select_related("institution"):
        assert lead.jurisdiction_id == lead.institution.jurisdiction_id
        assert (lead.source, lead.status, lead.created_by, lead.entered_by) == ("screening", "new", None, cast.analyst)
    first = leads.get(external_id="EXT-000001")
    assert first.amount == Decimal("10.50") and first.rule_code == "R001"
    assert first.description == "疑似串换药品 第1条"
    assert first.received_on == timezone.localdate()


def test_each_branch_finds_its_leads_in_its_inbox(cast, institutions, client_for):
    run(cast.analyst, csv_bytes(rows_for(institutions, 6)))
    b01 = client_for(cast.b01_chief).get(reverse("supervision:lead-list")).context["object_list"]
    assert {lead.institution.jurisdiction.code for lead in b01} == {"B01"}
    assert len(b01) == 4
    b02 = client_for(cast.b02_chief).get(reverse("supervision:lead-list")).context["object_list"]
    assert [lead.institution.code for lead in b02] == ["H330102000001"] * 2


def test_the_lead_page_names_the_importer(cast, institutions, client_for):
    batch = run(cast.analyst, csv_bytes(rows_for(institutions, 1)))
    lead = Lead.objects.get(batch=batch)
    page = client_for(cast.b01_chief).get(reverse("supervision:lead-detail", args=[lead.pk]))
    assert page.status_code == 200 and str(cast.analyst) in page.content.decode()


def test_csv_with_bom_is_read(cast, institutions):
    batch = run(cast.analyst, csv_bytes(rows_for(institutions, 2), bom=True))
    assert batch.status == "done", batch.errors
    assert batch.detected_format == "CSV（UTF-8）"


def test_gb18030_csv_is_detected(cast, institutions):
    batch = run(cast.analyst, csv_bytes(rows_for(institutions, 2), encoding="gb18030"))
    assert batch.status == "done", batch.errors
    assert batch.detected_format == "CSV（GB18030）"
    assert Lead.objects.get(external_id="EXT-000001").description == "疑似串换药品 第1条"


def test_gb18030_csv_can_be_chosen(cast, institutions):
    batch = run(cast.analyst, csv_bytes(rows_for(institutions, 2), encoding="gb18030"), encoding="gb18030")
    assert batch.status == "done" and batch.created_count == 2


def test_xlsx_is_read_with_dates_and_numbers_as_cells(cast, institutions):
    rows = [[institutions["b02"].code, "R9", "超量开药", 1234.5, date(2026, 1, 3), 778899]]
    batch = run(cast.analyst, xlsx_bytes(rows), name="screening.xlsx")
    assert batch.status == "done", batch.errors
    lead = Lead.objects.get(external_id="778899")
    assert (lead.amount, lead.occurred_on, lead.jurisdiction.code) == (Decimal("1234.50"), date(2026, 1, 3), "B02")


def test_already_imported_rows_are_skipped_never_duplicated(cast, institutions):
    run(cast.analyst, csv_bytes(rows_for(institutions, 3)))
    again = run(cast.analyst, csv_bytes(rows_for(institutions, 5)))
    assert again.status == "done"
    assert (again.created_count, again.skipped_count) == (2, 3)
    assert Lead.objects.count() == 5


def test_one_audit_row_records_the_batch(cast, institutions):
    before = AuditEvent.objects.count()
    batch = run(cast.analyst, csv_bytes(rows_for(institutions, 4)))
    rows = AuditEvent.objects.filter(pk__gt=0).order_by("-pk")[: AuditEvent.objects.count() - before]
    assert [r.verb for r in rows] == ["import"]
    event = rows[0]
    assert event.object_id == str(batch.pk) and event.actor == cast.analyst
    assert event.after["created"] == 4 and event.after["sha256"] == batch.sha256


def test_blank_lines_and_extra_columns_are_ignored(cast, institutions):
    rows = [[*row, "extra"] for row in rows_for(institutions, 2)]
    data = csv_bytes(rows, header=[*HEADER, "remark"]) + b"\r\n\r\n"
    batch = run(cast.analyst, data)
    assert batch.status == "done" and batch.created_count == 2


def test_a_branch_chief_imports_for_their_branch(cast, institutions):
    rows = [r for r in rows_for(institutions, 6) if r[0] != institutions["b02"].code]
    batch = run(cast.b01_chief, csv_bytes(rows))
    assert batch.status == "done" and batch.jurisdiction.code == "B01"


# --- The malformed-file suite: a clear report, nothing written ---------------------------------------------


def assert_rejected(batch, *expected):
    assert batch.status == "rejected", batch.status
    assert Lead.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="import").exists()
    found = {(e["row"], e["field"]) for e in batch.errors}
    for row, field in expected:
        assert (row, field) in found, batch.errors
    return batch.errors


def test_wrong_encoding_is_reported(cast, institutions):
    data = csv_bytes(rows_for(institutions, 2), encoding="utf-16")
    errors = assert_rejected(run(cast.analyst, data), (1, "file"))
    assert "UTF-8" in errors[0]["message"]


def test_wrong_encoding_chosen_is_reported(cast, institutions):
    data = csv_bytes(rows_for(institutions, 2), encoding="gb18030")
    errors = assert_rejected(run(cast.analyst, data, encoding="utf-8"), (1, "file"))
    assert "UTF-8" in errors[0]["message"]


def test_missing_column_is_reported(cast, institutions):
    header = [h for h in HEADER if h != "amount"]
    rows = [[v for i, v in enumerate(r) if i != 3] for r in rows_for(institutions, 2)]
    errors = assert_rejected(run(cast.analyst, csv_bytes(rows, header=header)), (1, "amount"))
    assert "amount" in errors[0]["message"]


def test_empty_file_is_reported(cast, institutions):
    errors = assert_rejected(run(cast.analyst, b""), (1, "file"))
    assert len(errors) == 1


def test_header_only_file_is_reported(cast, institutions):
    assert_rejected(run(cast.analyst, csv_bytes([])), (2, "file"))


def test_ten_thousand_rows_with_one_bad_row_write_nothing(cast, institutions):
    rows = rows_for(institutions, 10_000)
    rows[7_321][3] = "十元"
    batch = run(cast.analyst, csv_bytes(rows))
    errors = assert_rejected(batch, (7_323, "amount"))  # the header is row 1, so list index 7321 is row 7323
    assert len(errors) == 1 and batch.total_rows == 10_000


def test_non_numeric_amount_is_reported(cast, institutions):
    rows = rows_for(institutions, 3)
    rows[1][3] = "abc"
    errors = assert_rejected(run(cast.analyst, csv_bytes(rows)), (3, "amount"))
    assert "abc" in errors[0]["message"]


def test_unknown_institution_is_reported(cast, institutions):
    rows = rows_for(institutions, 3)
    rows[2][0] = "H999999999999"
    errors = assert_rejected(run(cast.analyst, csv_bytes(rows)), (4, "institution_code"))
    assert "H999999999999" in errors[0]["message"]


def test_institution_outside_the_importers_scope_reads_as_unknown(cast, institutions):
    rows = rows_for(institutions, 3)  # the second data row (spreadsheet row 3) is B02's
    errors = assert_rejected(run(cast.b01_chief, csv_bytes(rows)), (3, "institution_code"))
    unknown = run(cast.b01_chief, csv_bytes([["H999999999999", *rows[0][1:]]])).errors[0]["message"]
    assert errors[0]["message"].split(":")[0] == unknown.split(":")[0]


def test_formula_cells_in_xlsx_are_row_errors(cast, institutions):
    rows = rows_for(institutions, 3)
    rows[1][3] = "=10*2"
    errors = assert_rejected(run(cast.analyst, xlsx_bytes(rows), name="s.xlsx"), (3, "amount"))
    assert "formula" in errors[0]["message"].lower() or "公式" in errors[0]["message"]


def test_duplicate_external_id_inside_the_file_is_reported(cast, institutions):
    rows = rows_for(institutions, 4)
    rows[3][5] = rows[0][5]
    errors = assert_rejected(run(cast.analyst, csv_bytes(rows)), (5, "external_id"))
    assert "2" in errors[0]["message"]  # names the row it repeats


def test_every_bad_row_is_listed_with_every_bad_field(cast, institutions):
    rows = rows_for(institutions, 5)
    rows[0][4] = "2026-13-45"
    rows[2][2] = ""
    rows[2][3] = "-5"
    rows[4][4] = (timezone.localdate() + timedelta(days=3)).isoformat()
    batch = run(cast.analyst, csv_bytes(rows))
    assert_rejected(batch, (2, "occurred_on"), (4, "description"), (4, "amount"), (6, "occurred_on"))
    assert batch.error_count == 3


def test_not_a_spreadsheet_is_reported(cast, institutions):
    assert_rejected(run(cast.analyst, b"PK\x03\x04garbage", name="s.xlsx"), (1, "file"))


def test_amount_with_more_than_two_decimals_is_reported(cast, institutions):
    rows = rows_for(institutions, 1)
    rows[0][3] = "1.005"
    assert_rejected(run(cast.analyst, csv_bytes(rows)), (2, "amount"))


# --- The API ------------------------------------------------------------------------------------------------


def test_api_import_answers_201_with_counts(cast, institutions, api_for):
    response = upload(api_for(cast.analyst), csv_bytes(rows_for(institutions, 3)))
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"batch", "created", "skipped"}
    assert (body["created"], body["skipped"]) == (3, 0)
    again = upload(api_for(cast.analyst), csv_bytes(rows_for(institutions, 3))).json()
    assert (again["created"], again["skipped"]) == (0, 3)


def test_api_import_answers_400_with_every_error_and_writes_nothing(cast, institutions, api_for):
    rows = rows_for(institutions, 4)
    rows[1][3] = "x"
    rows[3][0] = "NOPE"
    response = upload(api_for(cast.analyst), csv_bytes(rows))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "amount"), (5, "institution_code")]
    assert all(set(e) == {"row", "field", "message"} for e in errors)
    assert Lead.objects.count() == 0


def test_api_import_without_file_is_400(cast, api_for):
    response = api_for(cast.analyst).post(IMPORT_URL, {}, format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "file"


@pytest.mark.parametrize("username", ["b01_officer", "fund_officer", "auditor", "supervisor", "norole"])
def test_api_import_is_for_analysts_and_chiefs(cast, institutions, api_for, username):
    response = upload(api_for(cast[username]), csv_bytes(rows_for(institutions, 1)))
    assert response.status_code == 403
    assert Lead.objects.count() == 0


def test_api_import_needs_authentication(api_for, institutions):
    assert upload(api_for(None), csv_bytes(rows_for(institutions, 1))).status_code == 401


# --- The command ----------------------------------------------------------------------------------------------


def test_command_imports_and_reports(cast, institutions, tmp_path, capsys):
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes(rows_for(institutions, 3)))
    out = io.StringIO()
    call_command("import_leads", str(path), "--user", "analyst", stdout=out)
    assert "3" in out.getvalue() and Lead.objects.count() == 3


def test_command_exits_non_zero_with_the_report(cast, institutions, tmp_path):
    rows = rows_for(institutions, 3)
    rows[0][3] = "abc"
    path = tmp_path / "s.csv"
    path.write_bytes(csv_bytes(rows))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_leads", str(path), "--user", "analyst", stderr=err)
    assert "nothing was imported" in str(raised.value)
    assert "row 2, amount" in err.getvalue()
    assert Lead.objects.count() == 0


def test_command_exit_code_is_non_zero(cast, institutions, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "missing.csv"
    result = subprocess.run(
        [sys.executable, "manage.py", "import_leads", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0


# --- The page (background task) ---------------------------------------------------------------------------


def test_page_upload_runs_the_task_and_shows_the_report(cast, institutions, client_for):
    client = client_for(cast.analyst)
    data = csv_bytes(rows_for(institutions, 3))
    response = client.post(
        reverse("supervision:leadimport-create"), {"file": SimpleUploadedFile("s.csv", data), "encoding": "auto"}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    assert batch.status == "done" and batch.created_count == 3  # the immediate backend ran the task
    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    assert b"js/job-progress.js" in page.content and b"<script>" not in page.content
    progress = client.get(reverse("supervision:leadimport-progress", args=[batch.pk])).json()
    assert progress["done"] is True and progress["created"] == 3 and progress["progress"] == 100


def test_page_shows_the_error_report(cast, institutions, client_for):
    client = client_for(cast.analyst)
    rows = rows_for(institutions, 2)
    rows[1][3] = "abc"
    client.post(
        reverse("supervision:leadimport-create"),
        {"file": SimpleUploadedFile("s.csv", csv_bytes(rows)), "encoding": "auto"},
    )
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url())
    assert batch.status == "rejected"
    assert "abc" in page.content.decode()
    assert Lead.objects.count() == 0


def test_page_progress_of_a_pending_batch(cast, institutions, client_for):
    from supervision.leads.imports import lead_import_start

    batch = lead_import_start(by=cast.analyst, fileobj=io.BytesIO(b"x"), file_name="s.csv")
    progress = client_for(cast.analyst).get(reverse("supervision:leadimport-progress", args=[batch.pk])).json()
    assert progress["status"] == "pending" and progress["done"] is False


def test_other_branches_cannot_see_a_batch(cast, institutions, client_for):
    batch = run(cast.b01_chief, csv_bytes(rows_for(institutions, 1)))
    assert client_for(cast.b02_chief).get(batch.get_absolute_url()).status_code == 404
    assert client_for(cast.b01_officer).get(batch.get_absolute_url()).status_code == 200
    assert client_for(cast.director).get(batch.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("username", ["b01_officer", "fund_officer", "auditor"])
def test_upload_page_is_for_analysts_and_chiefs(cast, client_for, username):
    assert client_for(cast[username]).get(reverse("supervision:leadimport-create")).status_code == 403


def test_text_with_tabs_newlines_and_backslashes_survives(cast, institutions):
    code = institutions["b01"].code
    day = (timezone.localdate() - timedelta(days=3)).isoformat()
    rows = [
        [code, "R\\1", "第一行\n第二行\t制表\\反斜杠", "1", day, "EXT\\001"],
        [code, "R2", "普通", "2", day, "EXT\t002"],
    ]
    batch = run(cast.analyst, csv_bytes(rows))
    assert batch.status == "done", batch.errors
    lead = Lead.objects.get(external_id="EXT\\001")
    assert (lead.description, lead.rule_code) == ("第一行\n第二行\t制表\\反斜杠", "R\\1")
    assert Lead.objects.filter(external_id="EXT\t002").exists()
    rows.append([code, "R3", "新增", "3", day, "EXT-003"])
    again = run(cast.analyst, csv_bytes(rows))
    assert (again.created_count, again.skipped_count) == (1, 2)
    assert Lead.objects.count() == 3


def test_spreadsheet_style_amounts_and_dates_are_read(cast, institutions):
    code = institutions["b01"].code
    batch = run(cast.analyst, csv_bytes([[code, "R1", "x", " 1,234.50 ", "2026/1/5", "EXT-1"]]))
    assert batch.status == "done", batch.errors
    lead = Lead.objects.get()
    assert (lead.amount, lead.occurred_on) == (Decimal("1234.50"), date(2026, 1, 5))
