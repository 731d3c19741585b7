"""Screening fixtures: a data directory per test, institutions for the rules, the catalogue, and a helper
that imports hand-made lines through the real import service."""

import io

import pytest

from supervision.screening import generator
from supervision.screening.imports import catalogue_import, settlement_import
from tests.factories import InstitutionFactory

HEADER = generator.LINE_COLUMNS


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.SCREENING_DATA_DIR = tmp_path / "screening"
    return settings.SCREENING_DATA_DIR


@pytest.fixture
def places(org):
    """Institutions in B01 and B02: hospitals of levels 1–3, a clinic and three pharmacies."""
    made = {}
    for branch, unit in (("B01", org.b01), ("B02", org.b02)):
        for key, kind, level in (
            ("H3", "hospital", "3"), ("H2", "hospital", "2"), ("H1", "hospital", "1"), ("C", "primary", ""),
            ("P1", "pharmacy", ""), ("P2", "pharmacy", ""), ("P3", "pharmacy", ""),
        ):  # fmt: skip
            made[f"{branch}{key}"] = InstitutionFactory(code=f"{branch}{key}", kind=kind, level=level,
                                                        jurisdiction=unit)  # fmt: skip
    return made


@pytest.fixture
def catalogue(cast, data_dir):
    return catalogue_import(by=cast.analyst, fileobj=io.BytesIO(generator.catalogue_csv().encode()), file_name="k.csv")


def line(sn, **values) -> dict:
    """A valid outpatient line of person P1 at B01C on 2026-03-10 for D001 (1 × 20.00), overridden by values."""
    row = {
        "feedetl_sn": sn, "setl_id": f"S{sn}", "mdtrt_id": "M1", "psn_no": "P1", "gend": "1", "brdy": "1980-05-05",
        "fixmedins_code": "B01C", "med_type": "11", "begndate": "2026-03-10", "enddate": "2026-03-10",
        "dise_codg": "J06.9", "hilist_code": "D001", "cnt": "1", "pric": "20.00", "det_item_fee_sumamt": "20.00",
        "fund_pay": "14.00", "fee_ocur_time": "2026-03-10 09:30:00",
    }  # fmt: skip
    row.update(values)
    if "det_item_fee_sumamt" not in values and ("cnt" in values or "pric" in values):
        from decimal import Decimal

        row["det_item_fee_sumamt"] = str((Decimal(row["cnt"]) * Decimal(row["pric"])).quantize(Decimal("0.01")))
    return row


def csv_bytes(rows: list[dict], encoding="utf-8") -> bytes:
    text = ",".join(HEADER) + "\n" + "".join(",".join(str(r[c]) for c in HEADER) + "\n" for r in rows)
    return text.encode(encoding)


@pytest.fixture
def load(cast, data_dir):
    """load(rows) → the batch of a settlement import of these lines by the analyst."""

    def do(rows, name="lines.csv"):
        return settlement_import(by=cast.analyst, fileobj=io.BytesIO(csv_bytes(rows)), file_name=name)

    return do
