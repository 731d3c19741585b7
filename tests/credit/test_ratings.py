"""Credit events from final outcomes, the rating arithmetic, vetoes, reversal on revocation, and the grade's
effect on the random-draw weight."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from credit.models import CreditEvent, CreditItem, CreditRating, CreditScheme
from credit.services import rating_recompute, ratings_recompute_all, self_correction_record
from credit.settlements import settlement_import
from enforcement.agreement_actions.services import agreement_action_revoke
from supervision.inspections.services import grade_weights
from supervision.org.models import AuditEvent
from supervision.register.models import Institution
from tests.credit.conftest import rating_of
from tests.factories import InspectionFactory

D = Decimal
YEAR = timezone.localdate().year


def grade(institution) -> str:
    return Institution.objects.get(pk=institution.pk).credit_grade


# --- Scheme and bands ---------------------------------------------------------------------------------------


def test_the_default_scheme_of_domain_7_is_seeded(db):
    scheme = CreditScheme.objects.for_year(YEAR)
    items = {i.code: (i.kind, i.signed_points, i.cap) for i in scheme.items.all()}
    assert scheme.start_points == 100
    assert items["interview"] == ("deduction", D("-2"), None)
    assert items["rectify"] == ("deduction", D("-3"), None)
    assert items["refuse_payment"][1] == items["recover"][1] == D("-5")
    assert items["penalty_art39"][1] == D("-5") and items["penalty_art38"][1] == D("-10")
    assert items["dept_suspension"][1] == D("-20")
    assert items["self_correction"] == ("bonus", D("2"), D("6"))
    assert {c for c, v in items.items() if v[0] == "veto"} == {"fraud", "termination", "police_transfer",
                                                                "settlement_ratio"}  # fmt: skip
    assert [(g, int(v)) for g, v in scheme.bands()] == [("A", 90), ("B", 80), ("C", 70), ("D", 60)]


@pytest.mark.parametrize(
    ("score", "expected"),
    [("59.99", "E"), ("60", "D"), ("69.99", "D"), ("70", "C"), ("79.99", "C"), ("80", "B"),
     ("89.99", "B"), ("90", "A")],
)  # fmt: skip
def test_grade_band_edges(db, score, expected):
    assert CreditScheme.objects.for_year(YEAR).grade_for(D(score)) == expected


def test_a_later_scheme_version_applies_from_its_year(db):
    later = CreditScheme.objects.create(year=YEAR, name="新版", start_points=D("95"))
    assert CreditScheme.objects.for_year(YEAR) == later
    assert CreditScheme.objects.for_year(YEAR - 1).year == 2020


# --- Agreement measures --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "score"), [("interview", "98"), ("rectify", "97"), ("refuse_payment", "95"), ("recover", "95")]
)
def test_each_agreement_measure_deducts_its_points(measure, b01_institution, kind, score):
    action = measure(kind)
    rating = rating_of(b01_institution)
    assert rating.score == D(score)
    event = CreditEvent.objects.get(institution=b01_institution)
    assert event.source == action and event.points == D(score) - 100
    assert AuditEvent.objects.for_object(event).filter(verb="credit_event").exists()


def test_a_proposed_measure_counts_nothing_until_applied(measure, b01_institution):
    measure("interview", apply=False)
    assert rating_of(b01_institution) is None
    assert not CreditEvent.objects.exists()


def test_termination_is_a_veto(measure, b01_institution, driver):
    case = driver.open()
    measure("terminate", case=case, starts_on=timezone.localdate())
    rating = rating_of(b01_institution)
    assert rating.grade == "E" and rating.score == 100
    assert "解除服务协议" in rating.veto_reason
    assert grade(b01_institution) == "E"


def test_a_deduction_item_cap_stops_the_sum(measure, b01_institution):
    CreditItem.objects.filter(code="interview").update(cap=D("3"))
    measure("interview")
    measure("interview")
    rating = rating_of(b01_institution)
    assert rating.score == D("97")
    line = next(x for x in rating.breakdown["lines"] if x["trigger"] == "agreement_action:interview")
    assert (line["count"], line["sum"], line["cap"], line["applied"]) == (2, "-4.00", "3.00", "-3.00")


# --- Decided cases -----------------------------------------------------------------------------------------------


def test_a_decided_art_38_penalty_lowers_the_score_by_the_configured_points(driver, b01_institution):
    case = driver.case_in("decided")
    rating = rating_of(b01_institution, case.decided_on.year)
    assert rating.score == D("90") and rating.grade == "A"
    event = CreditEvent.objects.get(institution=b01_institution)
    assert (event.trigger, event.source) == ("penalty:38", case)


def test_the_configured_points_are_data(driver, b01_institution):
    CreditItem.objects.filter(code="penalty_art38").update(points=D("12.5"))
    case = driver.case_in("decided")
    assert rating_of(b01_institution, case.decided_on.year).score == D("87.5")


def test_an_art_39_penalty_deducts_5(driver, b01_institution, rules):
    items = [{"kind": "fine", "rule": rules["R39"], "amount": D("20000")}]
    case = driver.case_in("decided", codes=("DATA_NOT_UPLOADED",), amount="0", items=items)
    assert rating_of(b01_institution, case.decided_on.year).score == D("95")


def test_a_department_suspension_deducts_20_more(driver, b01_institution, rules):
    case = driver.open()
    items = [*driver.standard_items(case), {"kind": "suspension", "rule": rules["R38"], "months": 6}]
    case = driver.to(case, "decided", items=items)
    assert rating_of(b01_institution, case.decided_on.year).score == D("70")


def test_a_no_penalty_decision_counts_nothing(driver, b01_institution):
    case = driver.case_in("decided", outcome="no_penalty")
    assert case.outcome == "no_penalty"
    assert not CreditEvent.objects.exists()


def test_a_fraud_decision_makes_the_grade_e_with_the_reason(driver, b01_institution, rules):
    case = driver.open(codes=("FICTITIOUS_SERVICE",), amount="36000")
    items = [{"kind": "return_funds", "rule": rules["R40"], "amount": D("36000")},
             {"kind": "fine", "rule": rules["R40"], "amount": D("72000")}]  # fmt: skip
    case = driver.to(case, "decided", items=items)
    rating = rating_of(b01_institution, case.decided_on.year)
    assert rating.grade == "E"
    assert "欺诈骗保" in rating.veto_reason and case.number in rating.veto_reason
    assert grade(b01_institution) == "E"


def test_a_transfer_to_the_police_is_a_veto_but_another_transfer_is_not(driver, b01_institution, cast):
    other = driver.to(driver.open(), "investigating")
    driver.act(other, "transfer")
    assert not CreditEvent.objects.exists()
    case = driver.to(driver.open(title="第二案"), "investigating")
    # 行刑衔接 is a step (issue 14): the veto comes with the hand-over to the police, and the case stays open.
    driver.act(case, "decide_police_transfer")
    assert not CreditEvent.objects.exists()
    case = driver.act(case, "hand_over_police")
    assert case.state == "investigating"
    rating = rating_of(b01_institution)
    assert rating.grade == "E" and "移送公安机关" in rating.veto_reason


# --- Reversal on revocation --------------------------------------------------------------------------------------


def test_revoking_a_decision_reverses_its_events_by_compensation(driver, b01_institution):
    case = driver.case_in("executing")
    year = case.decided_on.year
    assert rating_of(b01_institution, year).score == D("90")
    driver.act(case, "revoke_decision")
    case.refresh_from_db()
    assert case.state == "terminated"
    events = list(CreditEvent.objects.filter(institution=b01_institution).order_by("pk"))
    assert len(events) == 2  # nothing deleted: the original and its compensating event
    assert events[1].reverses == events[0] and events[1].points == -events[0].points
    assert rating_of(b01_institution, year).score == D("100")
    assert AuditEvent.objects.for_object(events[1]).filter(verb="credit_reverse").exists()


def test_revoking_a_fraud_decision_lifts_the_veto(driver, b01_institution, rules):
    case = driver.open(codes=("FICTITIOUS_SERVICE",), amount="36000")
    items = [{"kind": "return_funds", "rule": rules["R40"], "amount": D("36000")},
             {"kind": "fine", "rule": rules["R40"], "amount": D("72000")}]  # fmt: skip
    case = driver.to(case, "decided", items=items)
    driver.act(case, "revoke_decision")
    rating = rating_of(b01_institution, case.decided_on.year)
    assert rating.grade == "A" and rating.veto_reason == ""
    assert grade(b01_institution) == "A"


def test_only_the_director_revokes_and_only_a_decided_case(driver, cast):
    from django.core.exceptions import PermissionDenied

    from enforcement.cases.services import InvalidState

    case = driver.case_in("decided")
    with pytest.raises(PermissionDenied):
        driver.act(case, "revoke_decision", by=cast.b01_chief)
    with pytest.raises(ValidationError):
        driver.act(case, "revoke_decision", comment="")
    with pytest.raises(InvalidState):
        driver.act(driver.case_in("deciding", title="另一案"), "revoke_decision")


def test_revoking_an_applied_measure_reverses_it_and_lifts_a_suspension(measure, b01_institution, cast):
    today = timezone.localdate()
    action = measure("suspend", starts_on=today, ends_on=today + timezone.timedelta(days=30))
    interview = measure("interview")
    assert rating_of(b01_institution).score == D("98")  # a suspension has no item in the default scheme
    agreement_action_revoke(action=interview, by=cast.b01_chief, reason="复议撤销")
    assert rating_of(b01_institution).score == D("100")
    revoked = agreement_action_revoke(action=action, by=cast.b01_chief, reason="复议撤销")
    assert revoked.state == "withdrawn"
    revoked.agreement.refresh_from_db()
    assert revoked.agreement.status == "active"
    assert AuditEvent.objects.for_object(revoked).filter(verb="revoke").exists()


def test_a_measure_that_was_not_applied_cannot_be_revoked(measure, cast):
    from enforcement.cases.services import InvalidState

    action = measure("interview", apply=False)
    with pytest.raises(InvalidState):
        agreement_action_revoke(action=action, by=cast.b01_chief, reason="x")


# --- Settlement share (5‰) -----------------------------------------------------------------------------------------


def _import(user, rows: str):
    return settlement_import(by=user, fileobj=io.BytesIO(f"institution_code,year,amount\n{rows}".encode()))


def test_violations_at_5_permille_of_the_settlement_veto(driver, b01_institution, cast):
    case = driver.case_in("decided")  # amount involved 100,000
    year = case.decided_on.year
    result = _import(cast.fund_officer, f"{b01_institution.code},{year},20000000")  # 5‰ = 100,000: veto
    assert result.created == 1 and not result.errors
    rating = rating_of(b01_institution, year)
    assert rating.grade == "E" and "5" in rating.veto_reason
    _import(cast.fund_officer, f"{b01_institution.code},{year},20000200")  # 5‰ = 100,001: below
    rating = rating_of(b01_institution, year)
    assert rating.grade == "A" and rating.score == D("90")
    assert rating.breakdown["settlement"]["limit"] == "100001.00"


# --- Self-correction bonus --------------------------------------------------------------------------------------------


def test_self_correction_adds_2_each_up_to_6(measure, b01_institution, cast):
    measure("recover")
    measure("recover")
    rating = rating_of(b01_institution)
    for n in range(4):
        inspection = InspectionFactory(institution=b01_institution, kind="self", status="closed",
                                       finished_on=timezone.localdate(), title=f"自查{n}")  # fmt: skip
        self_correction_record(rating=rating, inspection=inspection, by=cast.b01_chief)
    assert rating_of(b01_institution).score == D("96")  # 100 − 10 + min(8, 6)
    with pytest.raises(ValidationError):
        self_correction_record(rating=rating, inspection=inspection, by=cast.b01_chief)


# --- Grades and the draw --------------------------------------------------------------------------------------------


def test_the_grade_changes_the_random_draw_weight(driver, b01_institution, rules):
    from supervision.inspections import draws

    weights = grade_weights()
    rating_recompute(institution_id=b01_institution.pk, year=YEAR)
    assert grade(b01_institution) == "A"
    before = weights[grade(b01_institution)]
    case = driver.open(codes=("FICTITIOUS_SERVICE",), amount="36000")
    items = [{"kind": "return_funds", "rule": rules["R40"], "amount": D("36000")},
             {"kind": "fine", "rule": rules["R40"], "amount": D("72000")}]  # fmt: skip
    driver.to(case, "decided", items=items)
    after = weights[grade(b01_institution)]
    assert (before, after) == ("0.5", "4")
    assert draws.scaled_weight(after) == 8 * draws.scaled_weight(before)


def test_the_nightly_recomputation_is_idempotent(measure, b01_institution):
    measure("interview")
    audits = AuditEvent.objects.filter(verb="credit_rate").count()
    assert ratings_recompute_all(year=YEAR) == 1
    assert CreditRating.objects.get().score == D("98")
    assert AuditEvent.objects.filter(verb="credit_rate").count() == audits  # unchanged: no new audit row


def test_events_are_never_changed_or_deleted(measure):
    measure("interview")
    event = CreditEvent.objects.get()
    with pytest.raises(ValidationError):
        event.delete()
    event.note = "x"
    with pytest.raises(ValidationError):
        event.save()
