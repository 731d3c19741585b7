"""Issue 14, legal fidelity: each test names the rule it checks and its source.

Working-day periods (APL Art 85), orders beside a decision not to penalise (Regulation Arts 36–41), the transfer
to the police as a step (State Council Regulation on transfers of suspected crimes, Arts 5 and 8), limitation
(APL Art 36), suspension and excluded periods, the cap on further extensions (Order No.4, configured), legal
review after a hearing and the reviewer's qualification (APL Art 58), no-penalty grounds (APL Arts 33, 36, 57),
the surcharge during appeals (APL Art 73), deferral and instalments (APL Art 66), a due date on a rest day
(Civil Procedure Law Art 85 as applied), one fraud determination (Regulation Art 40), a warning's basis.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from enforcement.cases import clocks, gates, queues
from enforcement.cases.models import Case
from enforcement.cases.services import InvalidState
from enforcement.models import CasePause, PoliceTransfer, ProcedureRules
from portal.workdays import CalendarDay, roll_forward
from tests.enforcement.conftest import Dates

D = Decimal


@pytest.fixture
def national_day_2025(db):
    """1–8 October 2025 off; Sunday 28 September and Saturday 11 October worked."""
    for n in range(1, 9):
        CalendarDay.objects.create(day=date(2025, 10, n), kind="holiday", name="国庆节、中秋节")
    CalendarDay.objects.create(day=date(2025, 9, 28), kind="workday", name="国庆调休")
    CalendarDay.objects.create(day=date(2025, 10, 11), kind="workday", name="国庆调休")


# --- Item 1: the APL's periods of 7 days or fewer are working days (APL Art 85) ----------------------------------


def test_hearing_notice_on_a_friday_before_the_holiday_week_apl_arts_64_85(national_day_2025):
    # Fri 26 Sep 2025 → 28 (worked Sunday), 29, 30 Sep, 9, 10, 11 (worked Saturday), 13 Oct.
    assert clocks.hearing_earliest(date(2025, 9, 26)) == date(2025, 10, 13)


def test_hearing_request_service_and_evidence_preservation_count_working_days_apl_art_85(national_day_2025):
    start = date(2025, 9, 30)  # eve of the holiday week
    assert clocks.hearing_request_due(start) == date(2025, 10, 14)  # APL Art 64: 5 working days
    assert clocks.service_due(start) == date(2025, 10, 16)  # APL Art 61: 7 working days
    assert clocks.evidence_preservation_due(start) == date(2025, 10, 16)  # APL Art 56: 7 working days


# --- Due dates on a rest day move to the next working day (Civil Procedure Law Art 85, as applied) ----------


def test_payment_due_on_a_holiday_rolls_to_the_next_working_day_apl_art_67(national_day_2025):
    # Served 16 Sep: 15 days → 1 Oct (holiday) → 9 Oct, the first working day after the holiday week.
    assert clocks.payment_due(date(2025, 9, 16)) == date(2025, 10, 9)
    assert clocks.payment_due(date(2025, 10, 2)) == date(2025, 10, 17)  # a working day stays


def test_decision_due_on_a_weekend_rolls_forward_apl_art_60(db):
    # Filed Mon 4 Aug 2025 + 90 days = Sun 2 Nov → Mon 3 Nov.
    assert clocks.decision_due(date(2025, 8, 4)) == date(2025, 11, 3)
    assert roll_forward(date(2025, 11, 3)) == date(2025, 11, 3)


# --- Item 2: orders to correct or return stand beside a decision not to penalise (Regulation Arts 36–41) ----


def test_no_penalty_with_an_order_to_return_and_correct_regulation_art_38(driver, rules):
    case = driver.open(amount="8000")
    items = [{"kind": "return_funds", "rule": rules["R38"], "amount": D("8000")},
             {"kind": "order_correct", "rule": rules["R38"]}]  # fmt: skip
    case = driver.to(case, "decided", outcome="no_penalty", items=items)
    assert (case.outcome, case.fine_amount, case.return_amount) == ("no_penalty", 0, D("8000"))
    case = driver.act(case, "record_service")
    with pytest.raises(ValidationError):  # the order to return is executed before the case closes
        driver.act(case, "close", basis="no_penalty")
    case = driver.act(case, "record_payment", kind="return_funds", amount=D("8000"))
    assert driver.act(case, "close", basis="no_penalty").state == "closed"


def test_a_penalty_outcome_needs_more_than_an_order_regulation_arts_36_41(driver, rules):
    case = driver.case_in("investigating")
    with pytest.raises(ValidationError):
        driver.act(case, "submit_report", penalties=[{"kind": "order_correct", "rule": rules["R38"]}])


def test_order_to_correct_needs_a_rule_that_orders_it_regulation_art_42(driver, rules):
    case = driver.case_in("investigating", codes=("BRIBERY",))
    with pytest.raises(ValidationError) as info:
        driver.act(case, "submit_report", outcome="no_penalty",
                   penalties=[{"kind": "order_correct", "rule": rules["R42"]}])  # fmt: skip
    assert "penalties" in info.value.message_dict


# --- Item 3: the transfer to the police is a step (State Council transfer regulation Arts 5, 8) -------------


def test_police_transfer_keeps_the_case_open_and_collecting_transfer_regulation_arts_5_8(driver, cast):
    case = driver.case_in("executing")
    case = driver.act(case, "report_police_transfer")
    transfer = case.police_transfers.get()
    assert transfer.approval_due == clocks.transfer_approval_due(driver.dates.today)
    with pytest.raises(PermissionDenied):  # the head (director) decides
        driver.act(case, "decide_police_transfer", by=cast.b01_chief)
    case = driver.act(case, "decide_police_transfer")
    transfer.refresh_from_db()
    assert transfer.state == "approved"
    assert transfer.handover_due == transfer.approved_at + timedelta(hours=24)
    case = driver.act(case, "hand_over_police")
    assert case.state == "executing" and case.closed_on is None  # not an end
    assert case.transferred_to == "江川市公安局东湖分局"
    case = driver.act(case, "record_payment", kind="return_funds", amount=D("1000"))  # recovery goes on
    assert case.payments.count() == 1
    case = driver.act(case, "record_police_feedback", accepted=False, note="不符合立案标准")
    transfer.refresh_from_db()
    assert transfer.state == "returned" and case.state == "executing"


def test_late_transfer_approval_states_why_transfer_regulation_art_5(driver):
    case = driver.case_in("investigating")
    driver.act(case, "report_police_transfer", reported_on=driver.dates.ago(10))
    with pytest.raises(ValidationError) as info:
        driver.act(case, "decide_police_transfer", comment="")
    assert "comment" in info.value.message_dict
    case = driver.act(case, "decide_police_transfer", comment="案情复杂，经请示后批准")
    assert case.police_transfers.get().late_reason == "案情复杂，经请示后批准"


def test_hand_over_after_24_hours_states_why_transfer_regulation_art_8(driver):
    case = driver.case_in("investigating")
    driver.act(case, "report_police_transfer", reported_on=driver.dates.ago(3))
    approved = timezone.now() - timedelta(hours=30)
    driver.act(case, "decide_police_transfer", decided_at=approved, comment="同意移送")
    with pytest.raises(ValidationError) as info:
        driver.act(case, "hand_over_police", comment="")
    assert "comment" in info.value.message_dict
    case = driver.act(case, "hand_over_police", handed_over_at=approved + timedelta(hours=23), comment="")
    assert case.police_transfers.get().state == "handed_over"


def test_transfer_steps_come_in_order_one_transfer_at_a_time_transfer_regulation(driver):
    from enforcement.cases.services import case_act

    case = driver.case_in("investigating")
    with pytest.raises(InvalidState):  # no approved transfer to hand over
        case_act(case=case, action="hand_over_police", by=driver.o1, data={"receipt": "回执1"})
    driver.act(case, "report_police_transfer")
    with pytest.raises(InvalidState):
        driver.act(case, "report_police_transfer")
    with pytest.raises(PermissionDenied):  # nobody approves their own report
        driver.act(case, "decide_police_transfer", by=driver.o1)


# --- Item 4: limitation period (APL Art 36) ------------------------------------------------------------------


def test_limitation_period_of_2_years_at_its_edge_apl_art_36(driver):
    received = driver.dates.lead
    within = driver.open(violation_on=received.replace(year=received.year - 2))
    limit = clocks.limitation(within)
    assert (limit.years, limit.ends_on, limit.expired) == (2, received, False)
    assert driver.to(within, "reviewing").state == "reviewing"  # a penalty may be proposed

    barred = driver.open(violation_on=received.replace(year=received.year - 2) - timedelta(days=1), title="超时效")
    assert clocks.limitation(barred).expired
    barred = driver.to(barred, "investigating")
    with translation.override("en"), pytest.raises(ValidationError) as info:
        driver.act(barred, "submit_report")
    assert "APL Art 36" in str(info.value)
    # No penalty on the limitation ground, and the funds are still ordered returned.
    case = driver.act(
        barred,
        "submit_report",
        outcome="no_penalty",
        no_penalty_ground="time_barred",
        penalties=[{"kind": "return_funds", "rule": driver.rules["R38"], "amount": D("100000")}],
    )
    assert case.state == "reviewing"


def test_limitation_period_of_5_years_where_health_is_harmed_apl_art_36(driver):
    received = driver.dates.lead
    case = driver.open(violation_on=received.replace(year=received.year - 4), limitation_extended=True)
    limit = clocks.limitation(case)
    assert (limit.years, limit.expired) == (5, False)
    ProcedureRules.objects.create(effective_from=received, limitation_years_extended=3)
    assert clocks.limitation(case).expired  # the number is data, versioned by effective date


def test_time_barred_ground_needs_the_limitation_to_have_run_apl_art_36(driver):
    case = driver.case_in("investigating")
    with pytest.raises(ValidationError) as info:
        driver.act(case, "submit_report", outcome="no_penalty", no_penalty_ground="time_barred", penalties=[])
    assert "no_penalty_ground" in info.value.message_dict


def test_case_page_shows_the_limitation_period_apl_art_36(driver, client_for, cast):
    received = driver.dates.lead
    case = driver.open(violation_on=received - timedelta(days=30))
    end = clocks.limitation(case).ends_on
    page = client_for(cast.b01_chief).get(case.get_absolute_url()).content.decode()
    assert "处罚时效" in page and end.isoformat() in page


# --- No-penalty grounds (APL Arts 33, 36, 57) ---------------------------------------------------------------------


@pytest.mark.parametrize("ground", ["minor", "first_offence", "no_fault", "not_proven"])
def test_no_penalty_names_its_ground_apl_art_33(driver, ground):
    case = driver.case_in("investigating")
    with pytest.raises(ValidationError) as info:
        driver.act(case, "submit_report", outcome="no_penalty", no_penalty_ground="", penalties=[])
    assert "no_penalty_ground" in info.value.message_dict
    case = driver.act(case, "submit_report", outcome="no_penalty", no_penalty_ground=ground, penalties=[])
    assert gates.current_report(case).no_penalty_ground == ground


# --- Suspension (中止) and excluded periods --------------------------------------------------------------------------


def test_suspension_pauses_the_decision_clock_order_no_4(driver):
    driver.dates = Dates(today=timezone.localdate())
    case = driver.case_in("investigating")
    due = case.decision_due
    case = driver.act(case, "suspend", suspended_on=driver.dates.ago(20))
    assert case.state == "suspended" and case.decision_due == due
    assert not Case.objects.filter(pk=case.pk).overdue(today=due + timedelta(days=5)).exists()  # paused
    case = driver.act(case, "resume", resumed_on=driver.dates.ago(5))
    assert case.state == "investigating"
    assert case.decision_due == clocks.decision_due(case.filed_on, 15)
    with pytest.raises(InvalidState):
        driver.act(case, "resume")


def test_resume_before_the_suspension_is_refused(driver):
    case = driver.act(driver.case_in("investigating"), "suspend", suspended_on=driver.dates.ago(3))
    with pytest.raises(ValidationError):
        driver.act(case, "resume", resumed_on=driver.dates.ago(4))


def test_excluded_periods_extend_the_decision_period_and_count_once_order_no_4(driver):
    case = driver.case_in("investigating")
    filed = case.filed_on
    case = driver.act(case, "record_excluded_period", kind="appraisal", started_on=filed + timedelta(days=1),
                      ended_on=filed + timedelta(days=11))  # fmt: skip
    assert case.decision_due == clocks.decision_due(filed, 10)
    with pytest.raises(ValidationError) as info:  # overlapping: a day is excluded once
        driver.act(case, "record_excluded_period", kind="public_notice", started_on=filed + timedelta(days=5),
                   ended_on=filed + timedelta(days=15))  # fmt: skip
    assert "started_on" in info.value.message_dict
    case = driver.act(case, "record_excluded_period", kind="public_notice", started_on=filed + timedelta(days=11),
                      ended_on=filed + timedelta(days=15))  # fmt: skip
    assert case.decision_due == clocks.decision_due(filed, 14)


def test_hearing_time_is_excluded_from_the_decision_period_order_no_4(driver):
    case = driver.case_in("legal_review", hearing=True)
    case = driver.to(case, "deciding", hearing=True)
    hearing = case.pauses.get(kind=CasePause.Kind.HEARING)
    assert (hearing.started_on, hearing.ended_on) == (driver.dates.requested, driver.dates.held)
    assert case.decision_due == clocks.decision_due(case.filed_on, hearing.days())


def test_further_extensions_are_capped_order_no_4(driver):
    case = driver.case_in("investigating")
    case = driver.act(case, "extend", days=30)
    driver.act(case, "record_discussion", purpose="extension")
    case = driver.act(case, "extend", days=30)
    driver.act(case, "record_discussion", purpose="extension")
    case = driver.act(case, "extend", days=30)  # 60 further days in total: the cap
    assert case.extended_days == 90
    driver.act(case, "record_discussion", purpose="extension")
    with pytest.raises(ValidationError) as info:
        driver.act(case, "extend", days=1)
    assert "days" in info.value.message_dict


# --- Legal review after a hearing; the reviewer's qualification (APL Art 58) -------------------------------


def test_legal_review_after_the_hearing_before_the_decision_apl_art_58(driver):
    case = driver.case_in("hearing")
    case = driver.act(case, "record_hearing")
    assert case.state == "legal_review"
    assert gates.evaluate(case)["legal_review"].applies
    case = driver.act(case, "pass_legal_review")
    assert case.state == "deciding"
    assert gates.reviewed_after_hearing(case)


def test_legal_reviewer_needs_the_qualification_apl_art_58_2(driver, org):
    from tests.factories import UserFactory

    case = driver.case_in("legal_review")
    newcomer = UserFactory(username="legal2", roles=[("legal_reviewer", org.city)])
    with pytest.raises(PermissionDenied):
        driver.act(case, "pass_legal_review", by=newcomer)
    newcomer.legal_reviewer_since = date(2019, 3, 1)  # reviewing before the 2021 APL: not a first-time reviewer
    newcomer.save()
    assert driver.act(case, "pass_legal_review", by=newcomer).state == "notifying"


# --- Surcharge during appeals (APL Art 73); deferral and instalments (APL Art 66) -------------------------------


@pytest.fixture
def autumn_executing(driver, national_day_2025):
    """Decision 30 Sep 2025, served 2 Oct, payment due 17 Oct; fine and return 100,000 each."""
    driver.dates = Dates(today=date(2025, 10, 30))
    case = driver.case_in("executing")
    assert case.payment_due == date(2025, 10, 17)
    return case


def test_surcharge_stops_while_reconsideration_is_pending_apl_art_73(driver, autumn_executing):
    case = driver.act(autumn_executing, "record_appeal", kind="reconsideration", started_on=date(2025, 10, 20))
    # Days 18 and 19 October accrue; from the 20th the reconsideration is pending.
    assert clocks.surcharge_accrued(case, today=date(2025, 10, 29)) == D("6000.00")
    case = driver.act(case, "end_appeal", ended_on=date(2025, 10, 25))
    # 25–29 October accrue again: 2 + 5 days.
    assert clocks.surcharge_accrued(case, today=date(2025, 10, 29)) == D("21000.00")


def test_instalments_need_approval_and_set_the_surcharge_dates_apl_art_66(driver, autumn_executing, cast):
    case = autumn_executing
    plan = [
        {"due_on": date(2025, 10, 31), "amount": D("50000")},
        {"due_on": date(2025, 11, 30), "amount": D("50000")},
    ]
    with pytest.raises(ValidationError):  # must add up to the fine outstanding
        driver.act(case, "propose_payment_plan", instalments=[plan[0], {"due_on": date(2025, 11, 30), "amount": 1}])
    case = driver.act(case, "propose_payment_plan", instalments=plan)
    # 30 Nov 2025 is a Sunday: the instalment falls due on Mon 1 Dec.
    assert [i.due_on for i in case.payment_plans.get().instalments.all()] == [date(2025, 10, 31), date(2025, 12, 1)]
    with pytest.raises(PermissionDenied):
        driver.act(case, "decide_payment_plan", by=cast.b01_officer)
    case = driver.act(case, "decide_payment_plan")
    # 18–29 Oct: nothing is overdue under the approved plan; 1 Nov: 3 % of the first 50,000 is overdue.
    assert clocks.surcharge_accrued(case, today=date(2025, 10, 31)) == 0
    assert clocks.surcharge_accrued(case, today=date(2025, 11, 1)) == D("1500.00")


def test_a_payment_plan_states_the_hardship_apl_art_66(driver, autumn_executing):
    with pytest.raises(ValidationError) as info:
        driver.act(autumn_executing, "propose_payment_plan", reason="")
    assert "reason" in info.value.message_dict


# --- Item 5: one fraud determination; a warning needs a basis -----------------------------------------------


def test_split_admission_fined_under_art_40_is_fraud_for_the_gate_the_queue_and_credit(driver, rules, b01_institution):
    """Regulation Art 40 (fraud) applied to an Art 38 act (分解住院): the gate, the director's queue and the credit
    veto take the same determination."""
    case = driver.open(codes=("SPLIT_ADMISSION",), amount="20000")
    items = [{"kind": "return_funds", "rule": rules["R40"], "amount": D("20000")},
             {"kind": "fine", "rule": rules["R40"], "amount": D("40000")}]  # fmt: skip
    case = driver.to(case, "deciding", items=items)
    assert gates.is_fraud(case)
    assert gates.evaluate(case)["collective"].applies
    assert Case.objects.filter(queues.needs_director_q(), pk=case.pk).exists()
    case = driver.to(case, "decided")
    from credit.models import CreditEvent

    assert CreditEvent.objects.filter(institution=b01_institution, trigger="penalty:fraud").exists()


def test_art_38_case_fined_under_art_38_is_not_fraud(driver):
    case = driver.case_in("deciding")
    assert not gates.is_fraud(case)
    assert not Case.objects.filter(queues.needs_director_q(), pk=case.pk).exists()


def test_police_transfer_open_states():
    assert PoliceTransfer.OPEN_STATES == {"reported", "approved", "handed_over"}


# --- Item 5: agreement-termination grounds as data, with evidence, and the re-application ban (Order No.2) ---


def _terminate(cast, institution, *, ground, evidence="处罚决定书", case=None, starts_on=None):
    from enforcement.agreement_actions.services import agreement_action_approve, agreement_action_propose

    action = agreement_action_propose(by=cast.b01_fund, institution=institution, kind="terminate", grounds="解除协议",
                                      starts_on=starts_on or timezone.localdate(), case=case,
                                      termination_ground=ground, evidence=evidence)  # fmt: skip
    action = agreement_action_approve(action=action, by=cast.b01_chief)
    return agreement_action_approve(action=action, by=cast.director)


def test_termination_grounds_are_the_order_no_2_art_43_list(db):
    from enforcement.models import TerminationGround

    grounds = list(TerminationGround.objects.all())
    assert len(grounds) == 14 and all(g.evidence_required for g in grounds)
    assert {g.code for g in grounds if g.needs_case} == {"confirmed-fraud", "major-violation", "penalty-unperformed"}
    assert TerminationGround.objects.get(code="two-suspensions").min_suspensions == 2


def test_termination_names_a_ground_and_its_evidence_order_no_2_art_43(cast, b01_agreement, driver):
    from enforcement.agreement_actions.services import agreement_action_propose

    institution = b01_agreement.institution
    for ground, evidence in ((None, "材料"), ("confirmed-fraud", "")):
        with pytest.raises(ValidationError) as info:
            agreement_action_propose(
                by=cast.b01_fund, institution=institution, kind="terminate", grounds="解除",
                starts_on=timezone.localdate(), termination_ground=ground, evidence=evidence,
            )  # fmt: skip
        assert "termination_ground" in info.value.message_dict
    with pytest.raises(ValidationError):  # confirmed fraud rests on a case
        agreement_action_propose(by=cast.b01_fund, institution=institution, kind="terminate", grounds="解除",
                                 starts_on=timezone.localdate(), termination_ground="confirmed-fraud",
                                 evidence="处罚决定书")  # fmt: skip
    case = driver.case_in("decided", codes=("FAKE_CARE",), amount="10000")
    action = _terminate(cast, institution, ground="confirmed-fraud", case=case)
    assert action.state == "approved" and action.termination_ground.code == "confirmed-fraud"


def test_re_application_is_barred_after_a_termination_order_no_2(cast, b01_agreement, driver):
    from enforcement.agreement_actions.services import agreement_action_apply
    from supervision.register.services import agreement_create

    institution = b01_agreement.institution
    case = driver.case_in("decided", codes=("FAKE_CARE",), amount="10000")
    today = timezone.localdate()
    agreement_action_apply(action=_terminate(cast, institution, ground="confirmed-fraud", case=case), by=cast.b01_fund)
    with pytest.raises(ValidationError) as info:
        agreement_create(by=cast.b01_fund, institution=institution, number="XY-2027-1",
                         valid_from=today + timedelta(days=400), valid_to=today + timedelta(days=800))  # fmt: skip
    assert "valid_from" in info.value.message_dict
    three_years = today.replace(year=today.year + 3) + timedelta(days=1)
    agreement = agreement_create(by=cast.b01_fund, institution=institution, number="XY-2030-1",
                                 valid_from=three_years, valid_to=three_years + timedelta(days=365))  # fmt: skip
    assert agreement.pk


# --- The deadlines API and the 期限计算 page compute with the cases' clocks (contract deadlines/) ------------


def test_deadlines_api_uses_the_working_day_calendar_apl_art_85(api_for, cast, national_day_2025):
    response = api_for(cast.b01_officer).get("/api/v1/deadlines/?from=2025-09-30")
    assert response.status_code == 200
    body = response.json()
    assert body["from"] == "2025-09-30"
    assert body["deadlines"] == {
        "filing_decision": clocks.filing_due(date(2025, 9, 30)).isoformat(),
        "hearing_request": "2025-10-14",  # APL Art 64: 5 working days
        "hearing_earliest": "2025-10-16",  # APL Art 85: 7 working days
        "service": "2025-10-16",  # APL Art 61: 7 working days
        "payment": "2025-10-15",  # APL Art 67: 15 days
        "evidence_preservation": "2025-10-16",  # APL Art 56: 7 working days
        "decision": "2025-12-29",  # APL Art 60: 90 days
        "transfer_approval": "2025-10-09",  # transfer regulation Art 5: 3 days, 3 Oct is a holiday → 9 Oct
    }


def test_deadlines_api_needs_a_date(api_for, cast):
    api = api_for(cast.b01_officer)
    assert api.get("/api/v1/deadlines/").status_code == 400
    assert "from" in api.get("/api/v1/deadlines/?from=30-09-2025").json()


def test_deadline_page_shows_the_same_dates(client_for, cast, national_day_2025):
    page = client_for(cast.b01_officer).get("/deadlines/?start=2025-09-26")
    assert page.status_code == 200
    assert "2025-10-13" in page.content.decode()  # hearing notice: 7 working days (APL Art 85)


# --- Documents: the transfer document and the no-penalty decision with its orders ------------------------------


def test_criminal_transfer_document_after_approval_transfer_regulation_art_6(driver):
    from enforcement.documents.services import document_issue
    from tests.enforcement.document_helpers import html_fields

    case = driver.case_in("investigating")
    with pytest.raises(InvalidState):
        document_issue(kind="criminal_transfer", by=driver.chief, case=case)
    driver.act(case, "decide_police_transfer")
    document = document_issue(kind="criminal_transfer", by=driver.chief, case=case)
    fields = html_fields(document.html)
    assert fields["title"] == "涉嫌犯罪案件移送书" and "移" in document.number
    assert "江川市公安局东湖分局" in fields["police"]
    assert "继续" in fields["administrative"]  # the administrative part goes on


def test_no_penalty_decision_prints_its_ground_and_the_order_to_return_apl_art_33(driver, rules):
    from enforcement.documents.services import document_issue
    from tests.enforcement.document_helpers import html_fields

    case = driver.open(amount="8000")
    items = [{"kind": "return_funds", "rule": rules["R38"], "amount": D("8000")},
             {"kind": "order_correct", "rule": rules["R38"]}]  # fmt: skip
    case = driver.to(case, "decided", outcome="no_penalty", items=items)
    fields = html_fields(document_issue(kind="no_penalty_decision", by=driver.chief, case=case).html)
    assert "第三十三条第一款" in fields["basis"]
    assert "责令退回医保基金" in fields["penalty-items"] and "责令改正" in fields["penalty-items"]
    assert "8,000.00" in fields["payment"]


# --- The new steps on the case page ---------------------------------------------------------------------------


def test_new_step_pages_render_and_post_apl_art_66(driver, client_for, cast, autumn_executing):
    case = autumn_executing
    client = client_for(cast.b01_officer)
    for action in ("propose_payment_plan", "record_appeal", "report_police_transfer"):
        assert client.get(f"/cases/{case.pk}/act/{action}/").status_code == 200
    response = client.post(f"/cases/{case.pk}/act/propose_payment_plan/", {
        "kind": "instalments", "reason": "经营困难", "comment": "",
        "instalments": "2025-11-03 50000\n2025-12-01 50000",
    })  # fmt: skip
    assert response.status_code == 302
    assert case.payment_plans.get().total == D("100000")
    chief = client_for(cast.b01_chief)
    assert chief.get(f"/cases/{case.pk}/act/decide_payment_plan/").status_code == 200
    assert (
        chief.post(f"/cases/{case.pk}/act/decide_payment_plan/", {"approve": "true", "comment": ""}).status_code == 302
    )
    assert case.payment_plans.get().state == "approved"
    page = chief.get(case.get_absolute_url()).content.decode()
    assert "分期缴纳" in page and "处罚时效" in page


# --- Item 6: the remedy periods are confirmed -------------------------------------------------------------------


def test_decision_prints_60_days_and_6_months_reconsideration_law_litigation_law_art_46(driver):
    """Administrative Reconsideration Law: 60 days; Administrative Litigation Law Art 46: 6 months (no longer marked
    unconfirmed)."""
    from enforcement.documents.services import document_issue
    from tests.enforcement.document_helpers import html_fields

    case = driver.case_in("decided", outcome="no_penalty")
    remedies = html_fields(document_issue(kind="no_penalty_decision", by=driver.chief, case=case).html)["remedies"]
    assert "六十日内" in remedies and "六个月内" in remedies
