"""End to end: import lines, run the library, hits become leads in the institutions' branches."""

from decimal import Decimal

from supervision.leads.models import Lead
from supervision.screening.models import Hit, SettlementBatch
from supervision.screening.services import run_screening
from tests.supervision.screening.conftest import line


def test_hits_become_one_lead_per_institution_and_rule(cast, places, catalogue, load):
    batch = load(
        [
            line("L1", gend="1", hilist_code="SEX2", pric="30.00", fund_pay="21.00"),
            line("L2", gend="1", hilist_code="SEX2", pric="30.00", fund_pay="9.00", mdtrt_id="M2"),
            line("L3", fixmedins_code="B02C", gend="1", hilist_code="SEX2", pric="30.00", fund_pay="5.00"),
            line("L4"),
        ]
    )
    assert batch.status == SettlementBatch.Status.DONE, batch.errors
    run = run_screening(by=cast.analyst, rule_codes=["SEX_LIMIT"])
    assert run.status == "done", run.message
    assert run.hits_by_rule == {"SEX_LIMIT": 3}
    assert run.leads_created == 2
    lead = Lead.objects.get(institution=places["B01C"])
    assert (lead.source, lead.status, lead.rule_code, lead.hits) == ("screening", "new", "SEX_LIMIT", 2)
    assert lead.amount == Decimal("30.00") and lead.jurisdiction == places["B01C"].jurisdiction
    assert "限性别" in lead.description and "2条" in lead.description
    assert sorted(lead.screening_hits.values_list("feedetl_sn", flat=True)) == ["L1", "L2"]


def test_a_line_is_never_flagged_twice_by_the_same_rule(cast, places, catalogue, load):
    load([line("L1", hilist_code="SEX2")])
    assert run_screening(by=cast.analyst, rule_codes=["SEX_LIMIT"]).hits_by_rule == {"SEX_LIMIT": 1}
    load([line("L2", hilist_code="SEX2", mdtrt_id="M2")])
    second = run_screening(by=cast.analyst, rule_codes=["SEX_LIMIT"])
    assert second.hits_by_rule == {"SEX_LIMIT": 1}
    assert sorted(Hit.objects.values_list("feedetl_sn", flat=True)) == ["L1", "L2"]


def test_dry_run_keeps_only_counts(cast, places, catalogue, load):
    load([line("L1", hilist_code="SEX2"), line("L2", hilist_code="SEX2", fixmedins_code="B02C")])
    run = run_screening(by=cast.analyst, rule_codes=["SEX_LIMIT"], dry_run=True)
    assert run.hits_by_rule == {"SEX_LIMIT": 2}
    assert run.hits_by_institution == {"SEX_LIMIT": {"B01C": [1, "14.00"], "B02C": [1, "14.00"]}}
    assert not Hit.objects.exists() and not Lead.objects.exists()
