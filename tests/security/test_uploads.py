"""Issue 13, findings 2, 3 and 5: uploads are capped before parsing, streamed with row and cell limits,
XLSX within a memory budget, large imports in the task worker, rejected files deleted, types from content."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from portal import uploads
from supervision.leads.models import ImportBatch, Lead
from tests.supervision.test_lead_import import HEADER, csv_bytes, institutions, rows_for, upload, xlsx_bytes

__all__ = ["institutions"]  # the fixture, reused


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def own_media_root(settings, tmp_path):
    """Each test its own media folder: another worker's imports must not show up in the comparisons."""
    settings.MEDIA_ROOT = str(tmp_path)


def _stored_imports() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "imports"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_csv_field_over_the_csv_module_limit_is_a_row_error_not_a_500(cast, institutions, api_for):
    """Finding 2: a field over 131,072 characters gave a 500, the batch stayed `validating` and the file stayed."""
    before = set(_stored_imports())
    rows = rows_for(institutions, count=3)
    rows[1][2] = "x" * 140_000
    response = upload(api_for(cast.analyst), csv_bytes(rows))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["row"] == 3  # the header is row 1
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.REJECTED
    assert not batch.file
    assert set(_stored_imports()) == before  # the rejected upload is not kept
    assert not Lead.objects.exists()


def test_rejected_import_deletes_its_file(cast, institutions, api_for):
    before = set(_stored_imports())
    rows = rows_for(institutions, count=2)
    rows[0][3] = "not a number"
    assert upload(api_for(cast.analyst), csv_bytes(rows)).status_code == 400
    assert set(_stored_imports()) == before


def test_unexpected_error_fails_the_batch_and_deletes_the_file(cast, institutions, api_for, monkeypatch):
    from supervision.leads import imports as leads_import

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(leads_import, "_check_file", explode)
    before = set(_stored_imports())
    with pytest.raises(RuntimeError):
        upload(api_for(cast.analyst), csv_bytes(rows_for(institutions)))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert set(_stored_imports()) == before


def test_upload_over_the_cap_is_413_before_anything_is_parsed_or_kept(cast, institutions, api_for, settings):
    """Finding 3: a 60 MB CSV was parsed and answered with a 9 MB error body."""
    settings.UPLOAD_MAX_BYTES = {**settings.UPLOAD_MAX_BYTES, "lead_import": 10_000}
    response = upload(api_for(cast.analyst), csv_bytes(rows_for(institutions, count=400)))
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert "MB" in response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_lead_import_cap_defaults_to_50_mb():
    assert settings.UPLOAD_MAX_BYTES["lead_import"] == 50 * 1024 * 1024


def test_upload_page_over_the_cap_is_413(cast, institutions, client_for, settings):
    settings.UPLOAD_MAX_BYTES = {**settings.UPLOAD_MAX_BYTES, "lead_import": 10_000}
    data = csv_bytes(rows_for(institutions, count=400))
    response = client_for(cast.analyst).post(
        "/leads/imports/new/", {"file": SimpleUploadedFile("a.csv", data), "encoding": "auto"}
    )
    assert response.status_code == 413
    assert not ImportBatch.objects.exists()


def test_overlong_line_stops_the_reading_at_that_row(cast, institutions, api_for, settings):
    settings.UPLOAD_ROWS = {"max_cell_chars": 32_768, "max_line_bytes": 4096}
    rows = rows_for(institutions, count=3)
    data = csv_bytes(rows) + b"H330101000001," + b"y" * 10_000 + b"\n"
    response = upload(api_for(cast.analyst), data)
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 5


def test_long_cell_in_xlsx_is_reported_at_its_row(cast, institutions, api_for, settings):
    settings.UPLOAD_ROWS = {"max_cell_chars": 5000, "max_line_bytes": 256 * 1024}
    rows = rows_for(institutions, count=3)
    rows[2][2] = "z" * 6000
    response = upload(api_for(cast.analyst), xlsx_bytes(rows), name="s.xlsx")
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 4


def _shared_strings_bomb(megabytes: int) -> bytes:
    """A small workbook whose shared strings expand to ``megabytes`` MB."""
    workbook = Workbook()
    workbook.active.append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        chunk = "<si><t>" + "A" * 1000 + "</t></si>"
        count = megabytes * 1024
        body = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + chunk * count + "</sst>"
        target.writestr("xl/sharedStrings.xml", body)
    return out.getvalue()


def test_xlsx_whose_shared_strings_explode_is_refused_before_loading(cast, institutions, api_for, settings):
    """Finding 3: a 300 KB XLSX whose shared strings expand to 300 MB pushed a worker to 588 MB."""
    settings.UPLOAD_XLSX = {**settings.UPLOAD_XLSX, "max_shared_strings_bytes": 2 * 1024 * 1024}
    data = _shared_strings_bomb(4)
    assert len(data) < 200_000
    response = upload(api_for(cast.analyst), data, name="bomb.xlsx")
    assert response.status_code == 400
    assert "2 MB" in response.json()["errors"][0]["message"]  # the budget is named (the API answers in zh-hans)


def test_check_xlsx_refuses_a_zip_bomb_ratio(settings):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(uploads.UploadRejected):
        uploads.check_xlsx(io.BytesIO(out.getvalue()))


def test_large_import_runs_in_the_task_worker(cast, institutions, api_for, settings):
    """Finding 3: a large file held a web worker; now the request only stores it and queues the task."""
    settings.UPLOAD_INLINE_MAX_BYTES = 100
    api = api_for(cast.analyst)
    response = upload(api, csv_bytes(rows_for(institutions, count=20)))
    assert response.status_code == 202
    batch_id = response.json()["batch"]
    # Tests run tasks at once (ImmediateBackend): the batch is done, and its status says so.
    status = api.get(f"/api/v1/leads/import/{batch_id}/")
    assert status.status_code == 200
    assert status.json()["status"] == ImportBatch.Status.DONE
    assert status.json()["created"] == 20


def test_import_status_is_scoped(cast, institutions, api_for, settings):
    settings.UPLOAD_INLINE_MAX_BYTES = 100
    batch_id = upload(api_for(cast.analyst), csv_bytes(rows_for(institutions, count=2))).json()["batch"]
    assert api_for(cast.b02_officer).get(f"/api/v1/leads/import/{batch_id}/").status_code in (403, 404)


# --- Type from content (finding 5) ----------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
HTML = b"<!doctype html><script>alert(1)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "data", "ok"),
    [
        ("a.pdf", PDF, True),
        ("a.png", PNG, True),
        ("a.pdf", HTML, False),
        ("a.png", SVG, False),
        ("a.jpg", PNG, False),
        ("a.html", HTML, False),
        ("a.xlsx", b"PK\x03\x04" + b"\0" * 30, False),  # a zip, but not a workbook
    ],
)
def test_check_type_reads_the_content(name, data, ok):
    problem = uploads.check_type(SimpleUploadedFile(name, data), ["pdf", "png", "jpg", "xlsx"])
    assert (problem is None) is ok


def test_real_xlsx_passes_the_type_check(institutions):
    data = xlsx_bytes([])
    assert uploads.check_type(SimpleUploadedFile("a.xlsx", data), ["xlsx"]) is None
