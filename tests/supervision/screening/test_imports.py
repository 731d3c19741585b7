"""Settlement and catalogue imports: all or nothing with a per-row report, duplicates skipped, formats."""

import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from openpyxl import Workbook

from supervision.screening import engines
from supervision.screening.imports import CatalogueRejected, UploadTooLarge, catalogue_import, settlement_import
from supervision.screening.models import CatalogueVersion, SettlementBatch
from tests.supervision.screening.conftest import HEADER, csv_bytes, line


def _kept(data_dir) -> list[str]:
    files = engines.line_files(data_dir)
    return sorted(pq.read_table(files, columns=["feedetl_sn"]).column(0).to_pylist()) if files else []


def test_lines_are_kept_by_month_and_duplicates_skipped(places, load, data_dir):
    first = load([line("A"), line("B", fee_ocur_time="2026-04-01")])
    assert (first.status, first.line_count, first.skipped_count, first.months) == ("done", 2, 0, ["2026-03", "2026-04"])
    assert sorted(p.name for p in (data_dir / "settlements").iterdir()) == ["month=2026-03", "month=2026-04"]
    second = load([line("A"), line("C")])
    assert (second.line_count, second.skipped_count) == (1, 1)
    assert _kept(data_dir) == ["A", "B", "C"]


def test_any_bad_row_rejects_the_file_with_every_error(places, load, data_dir):
    batch = load(
        [
            line("A"),
            line("B", gend="3", fixmedins_code="NOPE"),
            line("C", det_item_fee_sumamt="25.00"),
            line("D", fee_ocur_time="2026-13-01", pric="1.234"),
            line("A", enddate="2026-03-01"),
        ]
    )
    assert batch.status == SettlementBatch.Status.REJECTED
    problems = {(e["row"], e["field"]) for e in batch.errors}
    assert problems == {
        (3, "gend"), (3, "fixmedins_code"), (4, "det_item_fee_sumamt"), (5, "fee_ocur_time"), (5, "pric"),
        (6, "feedetl_sn"), (6, "enddate"),
    }  # fmt: skip
    assert batch.error_count == 4
    assert _kept(data_dir) == []


def test_a_missing_column_and_an_empty_file_are_reported(places, cast, data_dir):
    no_column = ",".join(c for c in HEADER if c != "fund_pay") + "\nx\n"
    batch = settlement_import(by=cast.analyst, fileobj=io.BytesIO(no_column.encode()), file_name="a.csv")
    assert batch.status == "rejected" and batch.errors[0]["field"] == "fund_pay"
    empty = settlement_import(by=cast.analyst, fileobj=io.BytesIO(b""), file_name="b.csv")
    assert empty.status == "rejected"
    header_only = settlement_import(by=cast.analyst, fileobj=io.BytesIO(",".join(HEADER).encode()), file_name="c.csv")
    assert header_only.status == "rejected", header_only.errors


def test_gb18030_xlsx_and_parquet_files(places, cast, data_dir):
    gb = settlement_import(by=cast.analyst, fileobj=io.BytesIO(csv_bytes([line("G", dise_codg="感冒")], "gb18030")),
                           file_name="gb.csv")  # fmt: skip
    assert gb.status == "done", gb.errors
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([line("X")[c] for c in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = settlement_import(by=cast.analyst, fileobj=io.BytesIO(buffer.getvalue()), file_name="x.xlsx")
    assert xlsx.status == "done", xlsx.errors
    table = pa.Table.from_pylist([line("P")])
    parquet = io.BytesIO()
    pq.write_table(table, parquet)
    pq_batch = settlement_import(by=cast.analyst, fileobj=io.BytesIO(parquet.getvalue()), file_name="p.parquet")
    assert pq_batch.status == "done", pq_batch.errors
    assert _kept(data_dir) == ["G", "P", "X"]


def test_upload_over_the_cap_is_refused_before_reading(places, cast, data_dir, settings):
    settings.UPLOAD_MAX_BYTES = {"settlement_import": 10}
    with pytest.raises(UploadTooLarge):
        settlement_import(by=cast.analyst, fileobj=io.BytesIO(csv_bytes([line("A")])), file_name="a.csv")
    assert not SettlementBatch.objects.exists()


def test_a_branch_chief_may_not_import(places, cast, data_dir):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        settlement_import(by=cast.b01_chief, fileobj=io.BytesIO(csv_bytes([line("A")])), file_name="a.csv")


def test_command_prints_json_and_exits_2_on_errors(places, cast, data_dir, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes([line("A")]))
    bad.write_bytes(csv_bytes([line("B", gend="9")]))
    call_command("import_settlements", str(good))
    assert '"lines": 1' in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_settlements", str(bad))
    assert exit_info.value.code == 2
    assert "gend" in capsys.readouterr().out


CATALOGUE = (
    "hilist_code,hilist_name,category,price_cap,sex_limit,age_min,age_max,max_qty_per_day,min_inst_level,"
    "exclusive_group\n"
)


def test_catalogue_versions_update_items_by_code(cast, data_dir):
    first = catalogue_import(by=cast.analyst, file_name="k.csv", fileobj=io.BytesIO(
        (CATALOGUE + "A1,甲,drug,10.00,,,,,,\nB1,乙,bed,,,,,,,\n").encode()))  # fmt: skip
    second = catalogue_import(by=cast.analyst, file_name="k2.csv", fileobj=io.BytesIO(
        (CATALOGUE + "A1,甲,drug,12.00,,,,,,\nC1,丙,exam,,2,18,60,,3,G\n").encode()))  # fmt: skip
    assert (first.number, second.number) == (1, 2)
    assert (second.created_count, second.updated_count, second.item_count) == (1, 1, 3)
    assert str(second.items.get(hilist_code="A1").price_cap) == "12.00"
    assert str(first.items.get(hilist_code="A1").price_cap) == "10.00"


def test_catalogue_bad_rows_keep_nothing(cast, data_dir):
    with pytest.raises(CatalogueRejected) as rejected:
        catalogue_import(by=cast.analyst, file_name="k.csv", fileobj=io.BytesIO(
            (CATALOGUE + "A1,甲,food,-1,3,70,60,x,4,\nA1,乙,drug,,,,,,,\n").encode()))  # fmt: skip
    fields = {(e["row"], e["field"]) for e in rejected.value.errors}
    assert fields == {
        (2, "category"), (2, "price_cap"), (2, "sex_limit"), (2, "age_max"), (2, "max_qty_per_day"),
        (2, "min_inst_level"), (3, "hilist_code"),
    }  # fmt: skip
    assert not CatalogueVersion.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"det_item_fee_sumamt": "20.02"}, "det_item_fee_sumamt"),
        ({"enddate": "2026-03-09"}, "enddate"),
        ({"brdy": "1980-02-30"}, "brdy"),
        ({"fee_ocur_time": "2026-03-10T09:30"}, "fee_ocur_time"),
        ({"fund_pay": "1.005"}, "fund_pay"),
        ({"cnt": "1.0001", "det_item_fee_sumamt": "20.00"}, "cnt"),
        ({"psn_no": "P" * 65}, "psn_no"),
        ({"setl_id": ""}, "setl_id"),
        ({"fixmedins_code": "NOPE"}, "fixmedins_code"),
        ({"gend": "0"}, "gend"),
        ({"med_type": "12"}, "med_type"),
    ],
)
def test_a_single_problem_is_found_by_the_one_pass_check(places, load, data_dir, values, field):
    """A clean CSV is checked in one pass over typed values; each check must still catch its problem alone."""
    batch = load([line("A"), line("B", **values)])
    assert batch.status == SettlementBatch.Status.REJECTED
    assert {(e["row"], e["field"]) for e in batch.errors} == {(3, field)}
    assert _kept(data_dir) == []


def test_a_line_id_repeated_in_the_file_is_found_by_the_one_pass_check(places, load, data_dir):
    batch = load([line("A"), line("A", mdtrt_id="M2")])
    assert batch.status == SettlementBatch.Status.REJECTED
    assert {(e["row"], e["field"]) for e in batch.errors} == {(3, "feedetl_sn")}
