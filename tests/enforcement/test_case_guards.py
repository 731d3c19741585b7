"""Who may act on a case (roles, scope, assignment, maker–checker) and the people rules of the team
(certified officers, recusal)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enforcement.cases.models import Case, CaseEvent, CaseOfficer, Recusal
from tests.enforcement.conftest import certified_user, dual_role_user
from tests.factories import UserFactory

# --- Role guards ---------------------------------------------------------------------------------------


def test_officer_may_not_approve_filing(driver, cast):
    case = driver.open()
    with pytest.raises(PermissionDenied):
        driver.act(case, "approve_filing", by=cast.b01_officer)
    assert Case.objects.get(pk=case.pk).state == "filing"


def test_chief_of_another_branch_may_not_act_on_the_case(driver, cast):
    case = driver.open()
    for action in ("approve_filing", "reject_filing", "terminate"):
        with pytest.raises(PermissionDenied):
            driver.act(case, action, by=cast.b02_chief)
    assert not CaseEvent.objects.filter(case_id=case.pk).exclude(action="open").exists()


def test_city_division_chief_may_act_city_wide(driver, cast):
    case = driver.act(driver.open(), "approve_filing", by=cast.enf_chief)
    assert case.state == "investigating"


def test_legal_reviewer_may_not_decide(driver, cast):
    case = driver.case_in("deciding")
    with pytest.raises(PermissionDenied):
        driver.act(case, "decide", by=cast.legal)
    assert Case.objects.get(pk=case.pk).state == "deciding"


@pytest.mark.parametrize("username", ["analyst", "fund_officer", "auditor", "supervisor", "norole", "admin"])
def test_roles_without_the_action_are_refused(driver, cast, username):
    case = driver.open()
    with pytest.raises(PermissionDenied):
        driver.act(case, "approve_filing", by=cast[username])


def test_officer_not_assigned_may_not_submit_the_report(driver, cast, b01_officer3):
    case = driver.case_in("investigating")
    # In scope (city-wide, or the same branch) but not on the team.
    for user in (cast.enf_officer, b01_officer3):
        with pytest.raises(PermissionDenied):
            driver.act(case, "submit_report", by=user)
    # Out of scope altogether.
    with pytest.raises(PermissionDenied):
        driver.act(case, "submit_report", by=cast.b02_officer)
    assert Case.objects.get(pk=case.pk).state == "investigating"
    assert driver.act(case, "submit_report", by=driver.o2).state == "reviewing"


def test_fund_officer_records_payments_by_role_without_assignment(driver, cast):
    case = driver.case_in("executing")
    case = driver.act(case, "record_payment", by=cast.b01_fund, kind="return_funds", amount=case.return_amount)
    assert case.payments.get().recorded_by == cast.b01_fund
    with pytest.raises(PermissionDenied):
        driver.act(case, "record_payment", by=cast.enf_officer)


def test_opener_may_not_approve_their_own_filing(driver, org, b01_officer2):
    dual = dual_role_user(org)
    case = driver.open(by=dual)
    with pytest.raises(PermissionDenied):
        driver.act(case, "approve_filing", by=dual)
    with pytest.raises(PermissionDenied):
        driver.act(case, "reject_filing", by=dual)
    assert Case.objects.get(pk=case.pk).state == "filing"
    assert driver.act(case, "approve_filing", data={"officers": [dual.pk, b01_officer2.pk]}).state == "investigating"


def test_chief_who_submitted_the_report_may_not_approve_it(driver, org, cast):
    dual = dual_role_user(org)
    case = driver.act(driver.open(), "approve_filing", data={"officers": [dual.pk, driver.o1.pk]})
    case = driver.act(case, "submit_report", by=dual)
    assert case.reports.get().proposed_by == dual
    with pytest.raises(PermissionDenied):
        driver.act(case, "approve_report", by=dual)
    assert Case.objects.get(pk=case.pk).state == "reviewing"
    # Another chief approves.
    assert driver.act(case, "approve_report", by=cast.b01_chief).state == "legal_review"


def test_chief_who_submitted_the_report_may_not_decide_on_it(driver, org, cast):
    dual = dual_role_user(org)
    case = driver.act(driver.open(), "approve_filing", data={"officers": [dual.pk, driver.o1.pk]})
    driver.plan_report(case, driver.standard_items(case))
    case = driver.act(case, "submit_report", by=dual)
    case = driver.to(case, "deciding")
    with pytest.raises(PermissionDenied):
        driver.act(case, "decide", by=dual)
    assert driver.act(case, "decide", by=cast.b01_chief).state == "decided"


def test_legal_reviewer_assigned_as_officer_may_not_pass_legal_review(driver, org, cast):
    reviewer = certified_user("legal_officer", [("legal_reviewer", org.city), ("officer", org.b01)], "CERT-L-1",
                              legal_qualification_number="A2020000001")  # fmt: skip
    case = driver.act(driver.open(), "approve_filing", data={"officers": [driver.o1.pk, reviewer.pk]})
    case = driver.to(case, "legal_review")
    with pytest.raises(PermissionDenied):
        driver.act(case, "pass_legal_review", by=reviewer)
    assert Case.objects.get(pk=case.pk).state == "legal_review"
    assert driver.act(case, "pass_legal_review", by=cast.legal).state == "notifying"


def test_hearing_chaired_by_an_investigator_is_refused(driver, cast):
    case = driver.case_in("hearing")
    for chair in (driver.o1, driver.o2):
        with pytest.raises(ValidationError) as info:
            driver.act(case, "record_hearing", chair=chair.pk)
        assert "chair" in info.value.message_dict
    with pytest.raises(ValidationError):
        driver.act(case, "record_hearing", chair=None)
    case = driver.act(case, "record_hearing", chair=cast.enf_chief)
    assert case.state == "legal_review"  # APL Art 58 ¶1(2): legal review after the hearing
    assert case.hearing_chair == cast.enf_chief


def test_returned_report_can_be_resubmitted(driver, cast):
    case = driver.case_in("legal_review")
    case = driver.act(case, "return", by=cast.legal)
    assert case.state == "investigating"
    with pytest.raises(PermissionDenied):
        driver.act(case, "return", by=driver.o1)
    case = driver.act(case, "submit_report")
    assert case.reports.count() == 2
    assert case.reports.filter(is_current=True).count() == 1


# --- People rules -----------------------------------------------------------------------------------------


def test_approve_filing_needs_two_certified_officers(driver):
    case = driver.open()
    with pytest.raises(ValidationError) as info:
        driver.act(case, "approve_filing", officers=None)  # only the opener
    assert "officers" in info.value.message_dict
    assert Case.objects.get(pk=case.pk).state == "filing"
    assert driver.act(case, "approve_filing").state == "investigating"


def test_assigning_an_officer_with_an_expired_certificate_is_refused(driver, org):
    expired = certified_user("b01_expired", [("officer", org.b01)], "CERT-X", certificate_expires=driver.dates.ago(1))
    case = driver.open()
    with pytest.raises(ValidationError) as info:
        driver.act(case, "approve_filing", data={"officers": [driver.o1.pk, expired.pk]})
    assert "officers" in info.value.message_dict
    assert not case.assignments.filter(user=expired).exists()


def test_officer_without_any_certificate_is_refused(driver, org):
    uncertified = UserFactory(username="b01_new", roles=[("officer", org.b01)])
    case = driver.open()
    with pytest.raises(ValidationError):
        driver.act(case, "approve_filing", data={"officers": [driver.o1.pk, uncertified.pk]})


def test_opener_whose_certificate_has_expired_does_not_count(driver, org, b01_officer2):
    opener = certified_user("b01_lapsed", [("officer", org.b01)], "CERT-Y", certificate_expires=driver.dates.ago(1))
    case = driver.open(by=opener)
    assert case.assignments.filter(user=opener).exists()  # opening needs no certificate
    assert CaseOfficer.objects.filter(case=case).count() == 1
    case.assignments.create(user=b01_officer2)  # two on the team, one certified on the filing day
    with pytest.raises(ValidationError) as info:
        driver.act(case, "approve_filing", officers=None, filed_on=None)  # filed today
    assert "officers" in info.value.message_dict
    assert Case.objects.get(pk=case.pk).state == "filing"


def test_certificate_must_be_valid_on_the_filing_day(driver, org):
    # The certificates are checked on the (backdated) filing day: T-80 is after this one expired (T-90).
    short = certified_user("b01_short", [("officer", org.b01)], "CERT-Z", certificate_expires=driver.dates.ago(90))
    case = driver.open()
    case.assignments.create(user=short)
    with pytest.raises(ValidationError):
        driver.act(case, "approve_filing", officers=None, filed_on=driver.dates.filed)
    case = driver.act(case, "approve_filing", officers=None, filed_on=driver.dates.ago(95))
    assert case.state == "investigating"
    assert case.filed_on == driver.dates.ago(95)


def test_officer_of_another_branch_cannot_be_assigned(driver, cast):
    case = driver.open()
    with pytest.raises(ValidationError) as info:
        driver.act(case, "approve_filing", data={"officers": [driver.o1.pk, cast.b02_officer.pk]})
    assert "officers" in info.value.message_dict


def test_unknown_officer_is_refused(driver):
    case = driver.open()
    with pytest.raises(ValidationError):
        driver.act(case, "approve_filing", data={"officers": [driver.o1.pk, 987654]})


def test_filing_date_must_lie_between_the_lead_and_today(driver):
    case = driver.open()
    for day in (driver.dates.today + timedelta(days=1), driver.dates.lead - timedelta(days=1)):
        with pytest.raises(ValidationError) as info:
            driver.act(case, "approve_filing", filed_on=day)
        assert "filed_on" in info.value.message_dict


def test_declare_recusal_removes_the_officer_and_blocks_reassignment(driver, b01_officer3):
    case = driver.act(driver.open(), "approve_filing", data={
        "officers": [driver.o1.pk, driver.o2.pk, b01_officer3.pk], "filed_on": driver.dates.filed,
    })  # fmt: skip
    case = driver.act(case, "declare_recusal", data={"officer": driver.o2.pk})
    assert not case.assignments.filter(user=driver.o2).exists()
    recusal = Recusal.objects.get(case=case, user=driver.o2)
    assert recusal.reason == "与当事人有利害关系"
    assert recusal.declared_by == driver.chief
    with pytest.raises(ValidationError) as info:
        driver.act(case, "assign_officers", data={"officers": [driver.o1.pk, driver.o2.pk]})
    assert "officers" in info.value.message_dict
    assert case.assignments.filter(user=driver.o2).count() == 0
    # The recused officer may no longer take assigned-only actions.
    with pytest.raises(PermissionDenied):
        driver.act(case, "submit_report", by=driver.o2)


def test_recused_officer_cannot_be_assigned_at_filing(driver):
    case = driver.act(driver.open(), "declare_recusal", data={"officer": driver.o2.pk})
    with pytest.raises(ValidationError):
        driver.act(case, "approve_filing")
    assert Case.objects.get(pk=case.pk).state == "filing"


def test_recusal_needs_an_officer_and_a_reason(driver):
    case = driver.open()
    with pytest.raises(ValidationError):
        driver.act(case, "declare_recusal", data={"officer": None})
    with pytest.raises(ValidationError):
        driver.act(case, "declare_recusal", comment="")


def test_assign_officers_while_investigating_keeps_two_certified(driver, b01_officer3):
    case = driver.case_in("investigating")
    with pytest.raises(ValidationError):
        driver.act(case, "assign_officers", data={"officers": [driver.o1.pk]})
    assert set(case.assignments.values_list("user_id", flat=True)) == {driver.o1.pk, driver.o2.pk}
    case = driver.act(case, "assign_officers", data={"officers": [driver.o1.pk, b01_officer3.pk],
                                                     "lead_officer": b01_officer3.pk})  # fmt: skip
    assert set(case.assignments.values_list("user_id", flat=True)) == {driver.o1.pk, b01_officer3.pk}
    assert case.assignments.get(is_lead=True).user == b01_officer3
