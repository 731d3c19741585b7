"""Each rule template of screening.md against hand-made lines at its edges (catalogue: generator.CATALOGUE)."""

from decimal import Decimal

import pytest

from supervision.screening.models import Hit
from supervision.screening.services import run_screening
from tests.supervision.screening.conftest import line


@pytest.fixture
def flagged(cast, places, catalogue, load):
    """flagged(rule, rows) → {feedetl_sn: amount} of the rule's hits over these lines."""

    def do(rule, rows):
        batch = load(rows)
        assert batch.status == "done", batch.errors
        run = run_screening(by=cast.analyst, rule_codes=[rule])
        assert run.status == "done", run.message
        return dict(Hit.objects.filter(rule__code=rule).values_list("feedetl_sn", "amount"))

    return do


def test_sex_limit(flagged):
    rows = [line("M", gend="1", hilist_code="SEX2"), line("F", gend="2", hilist_code="SEX2"), line("N", gend="1")]
    assert set(flagged("SEX_LIMIT", rows)) == {"M"}


def test_age_limit_turns_on_the_birthday(flagged):
    # AGE18: at least 18. Born 2008-03-10: 17 the day before the birthday, 18 on it.
    rows = [
        line("EVE", hilist_code="AGE18", brdy="2008-03-10", fee_ocur_time="2026-03-09 10:00:00"),
        line("DAY", hilist_code="AGE18", brdy="2008-03-10", fee_ocur_time="2026-03-10 00:00:00"),
        line("OLD", hilist_code="AGE18", brdy="1990-01-01"),
    ]
    assert set(flagged("AGE_LIMIT", rows)) == {"EVE"}


def test_price_cap_amount_is_the_excess_times_quantity(flagged):
    rows = [
        line("AT", hilist_code="CAP1", pric="100.00"),
        line("OVER", hilist_code="CAP1", pric="100.01", cnt="3"),
    ]
    assert flagged("PRICE_CAP", rows) == {"OVER": Decimal("0.03")}


def test_qty_limit_sums_per_person_item_and_day(flagged):
    # QTY1: at most 3 a day. 2 + 1 = 3 is fine; 2 + 2 on another day flags both lines.
    rows = [
        line("A1", hilist_code="QTY1", cnt="2", fee_ocur_time="2026-03-10 08:00:00"),
        line("A2", hilist_code="QTY1", cnt="1", fee_ocur_time="2026-03-10 18:00:00"),
        line("B1", hilist_code="QTY1", cnt="2", fee_ocur_time="2026-03-11 08:00:00"),
        line("B2", hilist_code="QTY1", cnt="2", fee_ocur_time="2026-03-11 18:00:00"),
        line("C1", hilist_code="QTY1", cnt="2", psn_no="P2", fee_ocur_time="2026-03-11 08:00:00"),
    ]
    assert set(flagged("QTY_LIMIT", rows)) == {"B1", "B2"}


def test_level_limit(flagged):
    # LVL3 needs level 3: B01H2 (level 2) and the clinic (no level = 0) are below it.
    rows = [
        line("L3", hilist_code="LVL3", fixmedins_code="B01H3"),
        line("L2", hilist_code="LVL3", fixmedins_code="B01H2"),
        line("L0", hilist_code="LVL3", fixmedins_code="B01C"),
    ]
    assert set(flagged("LEVEL_LIMIT", rows)) == {"L2", "L0"}


def test_exclusive_items_keep_the_largest_and_one_of_a_tie(flagged):
    rows = [
        line("BIG", hilist_code="EXA", pric="50.00"),
        line("SMALL", hilist_code="EXB", pric="30.00"),
        # A tie on another visit: the smaller line id is kept.
        line("T1", hilist_code="EXA", pric="40.00", mdtrt_id="M2"),
        line("T2", hilist_code="EXB", pric="40.00", mdtrt_id="M2"),
        # The same pair on different days of one visit is allowed.
        line("D1", hilist_code="EXA", pric="40.00", mdtrt_id="M3"),
        line("D2", hilist_code="EXB", pric="40.00", mdtrt_id="M3", fee_ocur_time="2026-03-11 09:00:00"),
    ]
    assert set(flagged("EXCLUSIVE_ITEMS", rows)) == {"SMALL", "T2"}


def _stay(prefix, mdtrt, begin, end, dx="K35.8", psn="Q1", inst="B01H2", items=("T001", "B001")):
    return [
        line(f"{prefix}{i}", mdtrt_id=mdtrt, psn_no=psn, fixmedins_code=inst, med_type="21", begndate=begin,
             enddate=end, dise_codg=dx, hilist_code=item, fee_ocur_time=f"{begin} 10:00:00")
        for i, item in enumerate(items)
    ]  # fmt: skip


def test_readmission_at_15_days_but_not_16(flagged):
    rows = (
        _stay("A", "S1", "2026-03-01", "2026-03-05")
        + _stay("B", "S2", "2026-03-20", "2026-03-22", dx="K35.2")  # 15 days after S1 ended: flagged
        + _stay("C", "S3", "2026-04-01", "2026-04-03", psn="Q2")
        + _stay("D", "S4", "2026-04-19", "2026-04-20", psn="Q2")  # 16 days: not
        + _stay("E", "S5", "2026-05-01", "2026-05-03", psn="Q3")
        + _stay("F", "S6", "2026-05-04", "2026-05-06", psn="Q3", dx="J18.0")  # another diagnosis group
        + _stay("G", "S7", "2026-05-04", "2026-05-06", psn="Q4")
        + _stay("H", "S8", "2026-05-07", "2026-05-08", psn="Q4", inst="B01H3")  # another institution
    )
    assert set(flagged("READMISSION", rows)) == {"B0", "B1"}


def test_outside_during_stay_strictly_between(flagged):
    rows = [
        *_stay("S", "S1", "2026-03-01", "2026-03-05"),
        line("IN", psn_no="Q1", fee_ocur_time="2026-03-03 10:00:00"),
        line("PH", psn_no="Q1", med_type="41", fixmedins_code="B01P1", fee_ocur_time="2026-03-04 10:00:00"),
        line("FIRST", psn_no="Q1", fee_ocur_time="2026-03-01 10:00:00"),
        line("LAST", psn_no="Q1", fee_ocur_time="2026-03-05 10:00:00"),
    ]
    assert set(flagged("OUTSIDE_DURING_STAY", rows)) == {"IN", "PH"}


def test_multi_pharmacy_three_distinct_pharmacies_a_day(flagged):
    def buy(sn, inst, psn="Q1", day="2026-03-10"):
        return line(sn, psn_no=psn, med_type="41", fixmedins_code=inst, fee_ocur_time=f"{day} 10:00:00",
                    mdtrt_id=f"M{sn}")  # fmt: skip

    rows = [
        buy("A1", "B01P1"), buy("A2", "B01P2"), buy("A3", "B02P1"),
        buy("B1", "B01P1", "Q2"), buy("B2", "B01P1", "Q2"), buy("B3", "B01P2", "Q2"),  # two pharmacies only
    ]  # fmt: skip
    assert set(flagged("MULTI_PHARMACY", rows)) == {"A1", "A2", "A3"}


def test_phantom_bed_three_days_of_beds_only(flagged):
    rows = (
        _stay("A", "S1", "2026-03-01", "2026-03-03", items=("B001", "B001", "B001"))  # 3 days: flagged
        + _stay("B", "S2", "2026-03-01", "2026-03-02", psn="Q2", items=("B001", "B001"))  # 2 days
        + _stay("C", "S3", "2026-03-01", "2026-03-04", psn="Q3", items=("B001", "T001"))  # a treatment
    )
    assert set(flagged("PHANTOM_BED", rows)) == {"A0", "A1", "A2"}


def test_unlisted_item(flagged):
    assert set(flagged("UNLISTED_ITEM", [line("X", hilist_code="X999"), line("D")])) == {"X"}


def test_cost_outlier_against_five_peers(cast, org, places, catalogue, load):
    from supervision.screening.models import Hit
    from tests.factories import InstitutionFactory

    for i in range(5):
        InstitutionFactory(code=f"PEER{i}", kind="primary", level="", jurisdiction=org.b02)
    rows = []
    for i, pay in enumerate(["10.00", "11.00", "12.00", "13.00", "14.00"]):
        rows += [line(f"P{i}{v}", fixmedins_code=f"PEER{i}", mdtrt_id=f"V{i}{v}", fund_pay=pay) for v in range(2)]
    rows += [line(f"O{v}", mdtrt_id=f"O{v}", fund_pay="20.00") for v in range(2)]  # B01C: 20 per visit
    load(rows)
    run_screening(by=cast.analyst, rule_codes=["COST_OUTLIER"])
    hits = dict(Hit.objects.filter(rule__code="COST_OUTLIER").values_list("feedetl_sn", "amount"))
    # B01C's peers (PEER0–4): mean 12, sd 1.58; 20 ≥ 12 + 3 × 1.58. Excess 8 per visit, 4 per line here...
    # shared by fund_pay: 20 × (20 − 12) / 20 = 8.00 per line.
    assert hits == {"O0": Decimal("8.00"), "O1": Decimal("8.00")}
    # With a sigma threshold of 6 nothing is flagged (a new version of the rule).
