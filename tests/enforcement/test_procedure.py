"""The procedure table through ``case_act``: every allowed (action, source state) pair, forbidden pairs, and
the exits that move a case elsewhere (take over, transfer, close)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from enforcement.cases.models import OPEN_STATES, Case, CaseEvent
from enforcement.cases.procedure import ACTIONS, available_actions
from enforcement.cases.services import InvalidState
from supervision.org.models import AuditEvent
from tests.enforcement.conftest import certified_user

D = Decimal

PAIRS = [(name, state) for name, action in ACTIONS.items() for state in sorted(action.sources)]
# Where the table leaves the target to the service: the driver's standard report needs legal review.
# A suspended case resumes in the state it was suspended in (the driver suspends in investigating).
TARGETS = {("approve_report", "reviewing"): "legal_review", ("resume", "suspended"): "investigating"}


def test_every_action_has_a_source_state_and_the_table_pairs_are_all_parametrised():
    assert all(action.sources for action in ACTIONS.values())
    assert len(PAIRS) == sum(len(a.sources) for a in ACTIONS.values())
    assert {name for name, _ in PAIRS} == set(ACTIONS)


@pytest.mark.parametrize(("action", "source"), PAIRS, ids=[f"{a}-from-{s}" for a, s in PAIRS])
def test_allowed_transition_writes_event_and_audit(driver, action, source):
    case = driver.case_in(source)
    if action == "close":
        case = driver.pay_all(case)
    assert case.state == source
    kwargs = driver.args(case, action)
    spec = ACTIONS[action]
    expected = TARGETS.get((action, source)) or spec.target or source

    result = driver.act(case, action)

    assert result.state == expected
    assert Case.objects.get(pk=case.pk).state == expected
    if not spec.changes_state:
        assert expected == source
    event = CaseEvent.objects.filter(case_id=case.pk, action=action).latest("pk")
    assert (event.from_state, event.to_state) == (source, expected)
    assert event.actor == kwargs["by"]
    assert event.comment == kwargs["comment"]
    audit = AuditEvent.objects.for_object(result).filter(verb=action).latest("pk")
    assert audit.actor == kwargs["by"]
    assert audit.before["state"] == source
    assert audit.after["state"] == expected
    assert audit.reason == kwargs["comment"]


# --- Forbidden ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_no_action_is_allowed_on_a_case_that_was_not_filed(driver, action):
    case = driver.case_in("not_filed")
    events = CaseEvent.objects.filter(case_id=case.pk).count()
    audits = AuditEvent.objects.for_object(case).count()
    with pytest.raises(InvalidState):
        driver.act(case, action)
    assert Case.objects.get(pk=case.pk).state == "not_filed"
    assert CaseEvent.objects.filter(case_id=case.pk).count() == events
    assert AuditEvent.objects.for_object(case).count() == audits


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("filing", "decide"),
        ("filing", "submit_report"),
        ("filing", "issue_notice"),
        ("investigating", "approve_filing"),
        ("investigating", "approve_report"),
        ("reviewing", "pass_legal_review"),
        ("legal_review", "issue_notice"),
        ("notifying", "request_hearing"),
        ("notified", "decide"),
        ("hearing", "close_window"),
        ("deciding", "record_service"),
        ("decided", "terminate"),
        ("decided", "extend"),
        ("executing", "terminate"),
        ("executing", "archive"),
        ("closed", "transfer"),
        ("closed", "close"),
        ("archived", "archive"),
        ("archived", "supervise"),
    ],
)
def test_forbidden_action_in_state(driver, state, action):
    case = driver.case_in(state)
    with pytest.raises(InvalidState):
        driver.act(case, action)
    assert Case.objects.get(pk=case.pk).state == state


def test_approve_filing_twice_is_refused(driver):
    case = driver.to(driver.open(), "investigating")
    with pytest.raises(InvalidState):
        driver.act(case, "approve_filing")
    assert CaseEvent.objects.filter(case_id=case.pk, action="approve_filing").count() == 1


def test_a_stale_case_object_is_checked_against_the_stored_state(driver):
    case = driver.open()
    stale = Case.objects.get(pk=case.pk)
    driver.act(case, "approve_filing")
    assert stale.state == "filing"
    with pytest.raises(InvalidState):
        driver.act(stale, "approve_filing")


def test_unknown_action_is_a_validation_error(driver):
    case = driver.open()
    with pytest.raises(ValidationError):
        from enforcement.cases.services import case_act

        case_act(case=case, action="approve_everything", by=driver.chief)


@pytest.mark.parametrize("action", ["reject_filing", "return", "transfer", "terminate", "extend", "take_over"])
def test_comment_is_required(driver, action):
    state = {"reject_filing": "filing", "return": "reviewing", "take_over": "filing"}.get(action, "investigating")
    case = driver.case_in(state)
    with pytest.raises(ValidationError) as info:
        driver.act(case, action, comment="   ")
    assert "comment" in info.value.message_dict
    assert Case.objects.get(pk=case.pk).state == state


def test_reject_filing_closes_the_case(driver):
    case = driver.act(driver.open(), "reject_filing")
    assert case.state == "not_filed"
    assert case.closed_on == driver.dates.today
    assert case.close_reason == "线索核查不实，不予立案"


def test_terminate_records_the_reason(driver):
    case = driver.act(driver.case_in("investigating"), "terminate")
    assert case.state == "terminated"
    assert case.close_reason == "机构已注销，终止调查"
    assert not case.is_open


def test_archive_after_close(driver):
    case = driver.case_in("archived")
    assert case.state == "archived"
    assert [e.action for e in case.events.all()][-2:] == ["close", "archive"]


def test_case_opened_writes_an_open_event_and_assigns_the_opener(driver, cast):
    case = driver.open()
    assert case.state == "filing"
    event = case.events.get()
    assert (event.action, event.from_state, event.to_state, event.actor) == ("open", "", "filing", cast.b01_officer)
    assert AuditEvent.objects.for_object(case).filter(verb="open", actor=cast.b01_officer).exists()
    assert list(case.assignments.values_list("user__username", "is_lead")) == [("b01_officer", True)]
    assert case.jurisdiction == driver.org.b01


def test_case_open_refuses_unknown_codes_and_out_of_scope_institutions(driver, cast, b02_institution):
    with pytest.raises(ValidationError) as info:
        driver.open(codes=["NOT_A_CODE"])
    assert "violation_codes" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        driver.open(codes=[])
    assert "violation_codes" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        driver.open(institution=b02_institution)
    assert "institution" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        driver.open(by=cast.b01_chief)
    with pytest.raises(ValidationError) as info:
        driver.open(lead_received_on=driver.dates.today.replace(year=driver.dates.today.year + 1))
    assert "lead_received_on" in info.value.message_dict
    assert not Case.objects.exists()


# --- Close ----------------------------------------------------------------------------------------------


def test_close_is_refused_while_anything_is_outstanding(driver):
    case = driver.case_in("executing")
    # Unpaid since the payment term ended (T-13): return 100,000 + fine 100,000 + 3 %/day of the fine.
    days_late = (driver.dates.today - case.payment_due).days
    expected = D("200000") + min(D("3000") * days_late, D("100000"))
    with translation.override("en"), pytest.raises(ValidationError) as info:
        driver.act(case, "close")
    assert f"{expected:.2f} CNY is still outstanding" in str(info.value)
    case = driver.act(case, "record_payment", kind="return_funds", amount=case.return_amount)
    with pytest.raises(ValidationError):
        driver.act(case, "close")
    case = driver.act(case, "record_payment", kind="fine", amount=D("99999"))
    with pytest.raises(ValidationError):
        driver.act(case, "close", data={"basis": "no_penalty"})
    assert Case.objects.get(pk=case.pk).state == "executing"
    case = driver.act(case, "record_payment", kind="fine", amount=D("1"))
    case = driver.act(case, "close")
    assert case.state == "closed"
    assert case.closed_on == driver.dates.today
    assert case.events.get(action="close").payload["basis"] == "settled"
    assert case.close_reason.startswith("款项已全部缴清")  # stored in the bureau's language


def test_close_with_a_late_surcharge_outstanding_is_refused(driver):
    case = driver.case_in("executing")
    late = case.payment_due + (driver.dates.today - case.payment_due) // 2
    case = driver.act(case, "record_payment", kind="return_funds", amount=case.return_amount, paid_on=late)
    case = driver.act(case, "record_payment", kind="fine", amount=case.fine_amount, paid_on=late)
    with pytest.raises(ValidationError):
        driver.act(case, "close")


@pytest.mark.parametrize("basis", ["court_enforcement", "write_off"])
def test_close_on_court_enforcement_or_write_off_needs_a_comment(driver, basis):
    case = driver.case_in("executing")
    with pytest.raises(ValidationError) as info:
        driver.act(case, "close", comment="", data={"basis": basis})
    assert "comment" in info.value.message_dict
    case = driver.act(case, "close", comment="法院已受理强制执行申请（2026）执001号", data={"basis": basis})
    assert case.state == "closed"
    assert case.events.get(action="close").payload["basis"] == basis
    assert case.close_reason.endswith("：法院已受理强制执行申请（2026）执001号")


def test_close_with_an_unknown_basis_is_refused(driver):
    case = driver.pay_all(driver.case_in("executing"))
    with pytest.raises(ValidationError) as info:
        driver.act(case, "close", data={"basis": "forgiven"})
    assert "basis" in info.value.message_dict


def test_close_is_for_the_chief(driver, cast):
    case = driver.pay_all(driver.case_in("executing"))
    for user in (cast.b01_officer, cast.legal, cast.b02_chief):
        with pytest.raises(PermissionDenied):
            driver.act(case, "close", by=user)


# --- Take over and transfer -------------------------------------------------------------------------------


def test_take_over_moves_jurisdiction_and_the_branch_keeps_sight(driver, cast, org):
    case = driver.case_in("investigating")
    case = driver.act(case, "take_over")
    assert case.jurisdiction == org.enf
    assert case.state == "investigating"
    # The former branch's staff (branch and its sub-centre) keep seeing the case through the group grant.
    for user in (cast.b01_officer, cast.b01_chief, cast.b01_fund):
        assert Case.objects.visible_to(user).filter(pk=case.pk).exists(), user
    assert not Case.objects.visible_to(cast.b02_chief).filter(pk=case.pk).exists()
    assert AuditEvent.objects.for_object(case).filter(verb="grant_access").count() == 2
    # Seeing is not acting: the branch chief may no longer approve; the city unit's chief may.
    assert not cast.b01_chief.has_perm("enforcement.extend", case)
    with pytest.raises(PermissionDenied):
        driver.act(case, "extend")
    case = driver.act(case, "extend", by=cast.enf_chief)
    assert case.extensions == 1


def test_take_over_needs_a_city_division_and_the_director(driver, cast, org):
    case = driver.open()
    with pytest.raises(ValidationError):
        driver.act(case, "take_over", unit=org.b02.pk)
    with pytest.raises(ValidationError):
        driver.act(case, "take_over", unit=None)
    with pytest.raises(PermissionDenied):
        driver.act(case, "take_over", by=cast.b01_chief)
    case = driver.act(case, "take_over")
    with pytest.raises(ValidationError):
        driver.act(case, "take_over")  # already there
    assert Case.objects.get(pk=case.pk).jurisdiction == org.enf


def test_transfer_by_a_chief(driver):
    case = driver.act(driver.case_in("reviewing"), "transfer")
    assert case.state == "transferred"
    assert case.transferred_to == "江川市卫生健康委员会"
    assert case.closed_on == driver.dates.today
    event = case.events.get(action="transfer")
    assert event.payload["receipt"] == "移送回执〔2026〕3号"
    assert event.payload["to_police"] is False


def test_transfer_needs_authority_and_receipt(driver):
    case = driver.case_in("investigating")
    for missing in ("transfer_to", "receipt"):
        with pytest.raises(ValidationError) as info:
            driver.act(case, "transfer", **{missing: ""})
        assert missing in info.value.message_dict


def test_transfer_action_refuses_the_police_the_transfer_is_a_step_state_council_transfer_regulation(driver, cast):
    """Issue 14 item 3 (State Council Regulation on transfers of suspected crimes, Arts 5 and 8): ``transfer``
    ends the case, so it no longer takes the police; ``report_police_transfer`` keeps the case open. (This test
    replaced one that let the director end a case by transferring it to the police.)"""
    case = driver.case_in("investigating")
    with pytest.raises(ValidationError) as info:
        driver.act(case, "transfer", by=cast.director, to_police=True, transfer_to="江川市公安局")
    assert "to_police" in info.value.message_dict
    assert Case.objects.get(pk=case.pk).state == "investigating"
    assert ACTIONS["decide_police_transfer"].roles == {"director"}


def test_supervise_sets_a_city_deadline(driver, cast):
    case = driver.case_in("investigating")
    with pytest.raises(ValidationError):
        driver.act(case, "supervise", city_deadline=driver.dates.ago(1))
    with pytest.raises(ValidationError):
        driver.act(case, "supervise", city_deadline=None)
    with pytest.raises(PermissionDenied):
        driver.act(case, "supervise", by=cast.b01_chief)
    case = driver.act(case, "supervise")
    assert case.city_deadline == driver.args(case, "supervise")["data"]["city_deadline"]


def test_open_states_are_exactly_the_transfer_sources():
    assert ACTIONS["transfer"].sources == OPEN_STATES
    assert ACTIONS["terminate"].sources == OPEN_STATES - {"decided", "executing"}


@pytest.mark.parametrize("state", ["notifying", "executing"])
def test_case_taken_over_after_filing_can_still_be_worked_by_the_city(driver, cast, org, state):
    """The branch officers lose the case with its jurisdiction; the city chief assigns city officers."""
    case = driver.act(driver.case_in(state), "take_over")
    city_officer2 = certified_user("enf_officer2", [("officer", org.enf)], "CERT-ENF-0002")
    for user in (driver.o1, cast.enf_officer):
        assert ACTIONS["archive"].name not in [a.name for a in available_actions(case, user)]
    with pytest.raises(PermissionDenied):
        driver.act(case, "assign_officers", data={"officers": [cast.enf_officer.pk, city_officer2.pk]})
    case = driver.act(case, "assign_officers", by=cast.enf_chief,
                      data={"officers": [cast.enf_officer.pk, city_officer2.pk]})  # fmt: skip
    assert set(case.assignments.values_list("user__username", flat=True)) == {"enf_officer", "enf_officer2"}
    if state == "notifying":
        case = driver.act(case, "issue_notice", by=cast.enf_officer)
        assert case.state == "notified"
    else:
        case = driver.act(driver.pay_all(case, by=cast.fund_officer), "close", by=cast.enf_chief)
        assert driver.act(case, "archive", by=cast.enf_chief).state == "archived"


def test_team_reduced_by_a_recusal_can_be_completed_again(driver, b01_officer3):
    case = driver.act(driver.case_in("notified"), "declare_recusal", data={"officer": driver.o1.pk})
    assert list(case.assignments.values_list("user_id", flat=True)) == [driver.o2.pk]
    with pytest.raises(ValidationError):
        driver.act(case, "assign_officers", data={"officers": [driver.o2.pk]})  # still short of two
    case = driver.act(case, "assign_officers", data={"officers": [driver.o2.pk, b01_officer3.pk]})
    assert case.assignments.count() == 2
    assert driver.act(case, "record_statement", by=b01_officer3).state == "notified"
