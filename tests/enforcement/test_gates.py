"""Threshold gates (domain §5): hearing right, legal review, collective discussion and director decision,
simple procedure; how approve_report and decide follow them; thresholds versioned by effective date."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enforcement.cases import gates
from enforcement.cases.models import Case
from enforcement.rules.models import PenaltyRule, Thresholds

D = Decimal


def fine(rule, amount):
    return {"kind": "fine", "rule": rule, "amount": D(amount)}


def returned(rule, amount):
    return {"kind": "return_funds", "rule": rule, "amount": D(amount)}


def reviewed(driver, items, *, amount, codes=("OVER_TREATMENT",), person=False, **kwargs) -> Case:
    """A case in ``reviewing`` with a report proposing ``items``."""
    case = driver.open_person(amount=amount, codes=codes) if person else driver.open(amount=amount, codes=codes,
                                                                                     **kwargs)  # fmt: skip
    driver.plan_report(case, items)
    return driver.to(case, "reviewing")


def gate(case, name) -> bool:
    return gates.evaluate(Case.objects.get(pk=case.pk))[name].applies


# --- Hearing right --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "hearing"), [("100000", True), ("99999.99", False)])
def test_hearing_right_at_the_organisation_threshold(driver, rules, amount, hearing):
    case = reviewed(driver, [fine(rules["R38"], amount)], amount="60000")
    assert gate(case, "hearing") is hearing


@pytest.mark.parametrize(("amount", "hearing"), [("5000", True), ("4999.99", False)])
def test_hearing_right_at_the_person_threshold(driver, rules, amount, hearing):
    case = reviewed(driver, [fine(rules["R41b"], amount)], amount="2000", person=True, codes=("IMPERSONATED_USE",))
    assert gate(case, "hearing") is hearing


def test_person_threshold_does_not_apply_to_an_organisation(driver, rules):
    case = reviewed(driver, [fine(rules["R38"], "5000")], amount="5000")
    assert gate(case, "hearing") is False


def test_suspension_gives_a_hearing_right(driver, rules):
    case = reviewed(driver, [{"kind": "suspension", "rule": rules["R38"], "months": 6}], amount="1000")
    evaluated = gates.evaluate(case)
    assert evaluated["hearing"].applies
    # APL Art 58 ¶1(2): legal review follows a hearing that was held, not the bare right (issue 14 item 4;
    # this assertion used to require a review for the right alone).
    assert not evaluated["legal_review"].applies


def test_termination_gives_hearing_review_and_collective(driver, rules):
    case = reviewed(driver, [{"kind": "termination", "rule": rules["R40"]}], amount="1000", codes=("FAKE_CARE",))
    evaluated = gates.evaluate(case)
    assert all(evaluated[name].applies for name in ("hearing", "legal_review", "collective"))


def test_request_hearing_without_the_right_is_refused(driver, rules):
    case = reviewed(driver, [fine(rules["R39"], "20000")], amount="0", codes=("DATA_NOT_UPLOADED",))
    case = driver.to(case, "notified")
    assert case.events.get(action="issue_notice").payload["hearing_right"] is False
    with pytest.raises(ValidationError):
        driver.act(case, "request_hearing")
    assert Case.objects.get(pk=case.pk).state == "notified"
    assert driver.act(case, "close_window").state == "deciding"


# --- Legal review -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "review"), [("50000", True), ("49999.99", False)])
def test_legal_review_on_returned_funds_plus_fine(driver, rules, amount, review):
    # Return + fine at 1× reaches exactly 100,000 at 50,000; the fine alone stays below the hearing threshold.
    case = reviewed(driver, [returned(rules["R38"], amount), fine(rules["R38"], amount)], amount=amount)
    evaluated = gates.evaluate(case)
    assert evaluated["hearing"].applies is False
    assert evaluated["legal_review"].applies is review
    case = driver.act(case, "approve_report")
    assert case.state == ("legal_review" if review else "notifying")


def test_legal_review_person_threshold(driver, rules):
    case = reviewed(driver, [returned(rules["R41b"], "1000"), fine(rules["R41b"], "4000")], amount="2000",
                    person=True, codes=("IMPERSONATED_USE",))  # fmt: skip
    evaluated = gates.evaluate(case)
    assert evaluated["hearing"].applies is False
    assert evaluated["legal_review"].applies is True


def test_major_case_goes_to_legal_review_and_collective(driver, rules):
    case = reviewed(driver, [fine(rules["R39"], "10000")], amount="0", codes=("DATA_NOT_UPLOADED",), is_major=True)
    assert gate(case, "legal_review") and gate(case, "collective")
    assert driver.act(case, "approve_report").state == "legal_review"


def test_approve_report_goes_to_notifying_without_a_trigger(driver, rules):
    case = reviewed(driver, [fine(rules["R39"], "10000")], amount="0", codes=("DATA_NOT_UPLOADED",))
    case = driver.act(case, "approve_report")
    assert case.state == "notifying"
    assert case.events.get(action="approve_report").to_state == "notifying"


def test_decide_needs_the_legal_review_that_applies(driver, rules):
    case = driver.case_in("legal_review")
    # Skip the review by force: decide still refuses.
    Case.objects.filter(pk=case.pk).update(state="deciding")
    with pytest.raises(ValidationError):
        driver.act(Case.objects.get(pk=case.pk), "decide")


# --- No penalty ---------------------------------------------------------------------------------------------------


def test_no_penalty_report_skips_the_notice(driver):
    case = driver.open(amount="3000")
    case = driver.to(case, "reviewing", outcome="no_penalty", items=[])
    case = driver.act(case, "approve_report")
    assert case.state == "deciding"
    case = driver.act(case, "decide")
    assert (case.state, case.outcome, case.fine_amount, case.return_amount) == ("decided", "no_penalty", 0, 0)
    assert not case.events.filter(action="issue_notice").exists()


def test_major_no_penalty_report_goes_through_legal_review_then_to_deciding(driver):
    case = driver.open(amount="3000", is_major=True)
    case = driver.to(case, "reviewing", outcome="no_penalty", items=[])
    assert driver.act(case, "approve_report").state == "legal_review"
    case = driver.act(case, "pass_legal_review")
    assert case.state == "deciding"
    case = driver.to(case, "decided")  # collective (major): the director after a discussion
    assert case.events.get(action="decide").actor == driver.director


# --- Collective discussion and director decision --------------------------------------------------------------


def test_fraud_code_needs_a_collective_discussion_and_the_director(driver, rules, cast):
    items = [returned(rules["R40"], "10000"), fine(rules["R40"], "20000")]
    case = reviewed(driver, items, amount="10000", codes=("FAKE_CARE",))
    evaluated = gates.evaluate(case)
    assert evaluated["collective"].applies
    assert evaluated["legal_review"].applies is False
    case = driver.to(case, "deciding", hearing=False)

    with pytest.raises(PermissionDenied):
        driver.act(case, "decide", by=cast.b01_chief)
    with pytest.raises(ValidationError):
        driver.act(case, "decide", by=cast.director)
    driver.act(case, "record_discussion", purpose="extension")  # not a decision discussion
    with pytest.raises(ValidationError):
        driver.act(case, "decide", by=cast.director)
    assert Case.objects.get(pk=case.pk).state == "deciding"

    driver.act(case, "record_discussion", purpose="decision")
    case = driver.act(case, "decide", by=cast.director)
    assert case.state == "decided"
    assert case.fine_amount == D("20000")


def test_fraud_gate_holds_before_any_report(driver):
    case = driver.open(codes=("FAKE_CARE",))
    assert gates.evaluate(case)["collective"].applies
    assert not gates.evaluate(driver.open(title="普通案件"))["collective"].applies


def test_agency_fraud_counts_as_fraud_but_insured_person_fraud_does_not(driver, rules):
    assert rules["R37"].is_fraud and rules["R40"].is_fraud
    assert not rules["R41b"].is_fraud
    assert gates.evaluate(driver.open(codes=("AGENCY_FRAUD",)))["collective"].applies
    assert not gates.evaluate(driver.open_person(codes=("IMPERSONATED_USE",)))["collective"].applies


@pytest.mark.parametrize(("amount", "collective"), [("500000", True), ("499999.99", False)])
def test_collective_at_the_fine_threshold(driver, rules, amount, collective):
    case = reviewed(driver, [fine(rules["R38"], amount)], amount="300000")
    assert gate(case, "collective") is collective


def test_ordinary_case_is_decided_by_the_chief_or_the_director(driver, cast):
    case = driver.case_in("deciding")
    assert gate(case, "collective") is False
    with pytest.raises(PermissionDenied):
        driver.act(case, "decide", by=cast.enf_officer)
    assert driver.act(case, "decide", by=cast.director).state == "decided"


# --- Simple procedure ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "simple"), [("3000", True), ("3000.01", False)])
def test_simple_procedure_for_an_organisation(driver, rules, amount, simple):
    case = reviewed(driver, [fine(rules["R38"], amount)], amount="2000")
    assert gate(case, "simple") is simple


@pytest.mark.parametrize(("amount", "simple"), [("200", True), ("200.01", False)])
def test_simple_procedure_for_a_person(driver, rules, amount, simple):
    case = reviewed(driver, [fine(rules["R41b"], amount)], amount="100", person=True, codes=("IMPERSONATED_USE",))
    assert gate(case, "simple") is simple


def test_warning_alone_is_simple_but_returned_funds_are_not(driver, rules):
    local = PenaltyRule.objects.create(code="L1", article="地方", title="地方规定警告", subject="institution",
                                       warning=True)  # a warning needs a rule that gives one  # fmt: skip
    assert gate(reviewed(driver, [{"kind": "warning", "rule": local}], amount="100"), "simple")
    case = reviewed(driver, [returned(rules["R38"], "100"), fine(rules["R38"], "100")], amount="100")
    assert not gate(case, "simple")


def test_no_penalty_is_not_simple_procedure(driver):
    case = driver.open(amount="100")
    case = driver.to(case, "reviewing", outcome="no_penalty", items=[])
    assert not gate(case, "simple")


# --- Thresholds by effective date ----------------------------------------------------------------------------


def test_seeded_thresholds_are_the_domain_defaults(db):
    current = Thresholds.objects.current()
    assert current.effective_from == date(2021, 7, 15)
    assert (current.hearing_fine_org, current.hearing_fine_person) == (D("100000"), D("5000"))
    assert (current.legal_review_org, current.legal_review_person) == (D("100000"), D("5000"))
    assert current.collective_fine == D("500000")
    assert (current.simple_fine_person, current.simple_fine_org) == (D("200"), D("3000"))


def test_newer_thresholds_change_the_gate_from_their_effective_date(driver, rules):
    case = reviewed(driver, [fine(rules["R38"], "60000")], amount="60000")
    assert gate(case, "hearing") is False
    today = driver.dates.today
    Thresholds.objects.create(effective_from=today + timedelta(days=1), hearing_fine_org=D("50000"), note="明年起")
    assert gate(case, "hearing") is False  # not in force yet
    assert Thresholds.objects.current(on=today + timedelta(days=1)).hearing_fine_org == D("50000")
    Thresholds.objects.create(effective_from=today, hearing_fine_org=D("60000"), note="今日起")
    assert Thresholds.objects.current().hearing_fine_org == D("60000")
    assert gate(case, "hearing") is True
    # Fine 60,000 alone is below the legal-review threshold; a review follows the hearing if one is held.
    assert driver.act(case, "approve_report").state == "notifying"


def test_thresholds_as_of_a_past_day(db):
    Thresholds.objects.create(effective_from=date(2024, 1, 1), collective_fine=D("300000"))
    assert Thresholds.objects.current(on=date(2023, 12, 31)).collective_fine == D("500000")
    assert Thresholds.objects.current(on=date(2024, 1, 1)).collective_fine == D("300000")


def test_defaults_apply_when_no_thresholds_are_configured(db):
    Thresholds.objects.all().delete()
    assert Thresholds.objects.current().hearing_fine_org == D("100000")
