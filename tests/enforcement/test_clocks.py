"""Statutory clocks: filing, decision (+extensions), hearing window and notice, service, payment and the
3 %/day surcharge, and the overdue / due-soon querysets."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enforcement.cases import clocks
from enforcement.cases.models import Case, Discussion
from portal.workdays import CalendarDay, add_working_days, working_days_between
from tests.enforcement.conftest import Dates

D = Decimal


@pytest.fixture
def may_day_2025(db):
    """1–5 May 2025 off; Sunday 27 April worked."""
    for n in range(1, 6):
        CalendarDay.objects.create(day=date(2025, 5, n), kind="holiday", name="劳动节")
    CalendarDay.objects.create(day=date(2025, 4, 27), kind="workday", name="劳动节调休")


@pytest.fixture
def national_day_2025(db):
    """1–8 October 2025 off; Sunday 28 September and Saturday 11 October worked."""
    for n in range(1, 9):
        CalendarDay.objects.create(day=date(2025, 10, n), kind="holiday", name="国庆节、中秋节")
    CalendarDay.objects.create(day=date(2025, 9, 28), kind="workday", name="国庆调休")
    CalendarDay.objects.create(day=date(2025, 10, 11), kind="workday", name="国庆调休")


# --- Filing and decision ------------------------------------------------------------------------------


def test_filing_due_is_15_working_days_after_the_lead(driver):
    case = driver.open(lead_received_on=date(2025, 4, 28))
    assert case.filing_due == date(2025, 5, 19)


def test_filing_due_honours_public_holidays(driver, may_day_2025):
    case = driver.open(lead_received_on=date(2025, 4, 28))
    assert case.filing_due == date(2025, 5, 22)
    assert working_days_between(date(2025, 4, 28), case.filing_due) == 15


def test_filing_due_defaults_to_today_for_a_lead_received_today(driver):
    case = driver.open(lead_received_on=None)
    assert case.lead_received_on == driver.dates.today
    assert case.filing_due == add_working_days(driver.dates.today, 15)


def test_decision_due_is_90_calendar_days_after_filing(driver, may_day_2025):
    case = driver.act(driver.open(lead_received_on=date(2025, 4, 28)), "approve_filing", filed_on=date(2025, 5, 6))
    assert case.filed_on == date(2025, 5, 6)
    assert case.decision_due == date(2025, 8, 4)


def test_extend_once_by_thirty_days(driver, cast):
    case = driver.case_in("investigating")
    with pytest.raises(PermissionDenied):
        driver.act(case, "extend", by=driver.o1)
    with pytest.raises(PermissionDenied):
        driver.act(case, "extend", by=cast.director)
    with pytest.raises(ValidationError) as info:
        driver.act(case, "extend", days=31)
    assert "days" in info.value.message_dict
    case = driver.act(case, "extend")
    # The extended due date is counted from filing and, like every calendar-day period, a last day on a rest day
    # rolls forward to the next working day (issue 14).
    extended = clocks.decision_due(case.filed_on, 30)
    assert case.decision_due == extended
    assert case.extensions == 1
    assert case.events.get(action="extend").payload["decision_due"] == extended.isoformat()


def test_shorter_extension(driver):
    case = driver.case_in("reviewing")
    case = driver.act(case, "extend", days=10)
    assert case.decision_due == clocks.decision_due(case.filed_on, 10)


def _discussion(driver, case, purpose):
    return driver.act(case, "record_discussion", purpose=purpose, conclusion="同意延长办案期限")


def test_second_extension_needs_a_collective_discussion_after_the_first(driver):
    case = driver.case_in("investigating")
    _discussion(driver, case, "extension")  # before the first extension: does not count for the second
    case = driver.act(case, "extend")
    with pytest.raises(ValidationError) as info:
        driver.act(case, "extend")
    assert "days" in info.value.message_dict
    _discussion(driver, case, "decision")  # the wrong purpose does not count either
    with pytest.raises(ValidationError):
        driver.act(case, "extend")
    assert Case.objects.get(pk=case.pk).extensions == 1

    _discussion(driver, case, "extension")
    case = driver.act(case, "extend")
    assert case.extensions == 2
    assert case.decision_due == clocks.decision_due(case.filed_on, 60)
    # Each further extension needs its own discussion.
    with pytest.raises(ValidationError):
        driver.act(case, "extend")
    assert Discussion.objects.filter(case=case, purpose="extension").count() == 2


def test_discussion_purpose_is_checked(driver):
    case = driver.case_in("investigating")
    with pytest.raises(ValidationError) as info:
        _discussion(driver, case, "lunch")
    assert "purpose" in info.value.message_dict
    for missing in ("conclusion", "participants"):
        with pytest.raises(ValidationError) as info:
            driver.act(case, "record_discussion", **{missing: ""})
        assert missing in info.value.message_dict


# --- Prior notice, hearing window, hearing notice ----------------------------------------------------------


@pytest.fixture
def autumn(driver, national_day_2025):
    """Driver dates anchored on 29 Nov 2025: filing 10 Sept, prior notice 30 Sept (eve of National Day)."""
    driver.dates = Dates(today=date(2025, 11, 29))
    assert driver.dates.notice == date(2025, 9, 30)
    return driver


@pytest.fixture
def autumn_decision(driver, national_day_2025):
    """Driver dates anchored on 30 Oct 2025: decision 30 Sept (eve of National Day), service 2 Oct."""
    driver.dates = Dates(today=date(2025, 10, 30))
    assert (driver.dates.decided, driver.dates.served) == (date(2025, 9, 30), date(2025, 10, 2))
    return driver


def test_hearing_request_window_is_5_working_days_from_the_notice(autumn):
    case = autumn.case_in("notified")
    assert case.notice_served_on == date(2025, 9, 30)
    assert case.hearing_request_due == date(2025, 10, 14)  # 9, 10, 11 (worked Saturday), 13, 14 October
    assert case.events.get(action="issue_notice").payload["hearing_right"] is True


def test_request_hearing_after_the_window_is_refused(autumn):
    case = autumn.case_in("notified")
    with pytest.raises(ValidationError) as info:
        autumn.act(case, "request_hearing", requested_on=date(2025, 10, 15), hearing_notice_on=date(2025, 10, 16))
    assert "requested_on" in info.value.message_dict
    assert Case.objects.get(pk=case.pk).state == "notified"


def test_request_hearing_on_the_last_day_of_the_window(autumn):
    case = autumn.case_in("notified")
    case = autumn.act(case, "request_hearing", requested_on=date(2025, 10, 14), hearing_notice_on=date(2025, 10, 15))
    assert case.state == "hearing"
    assert case.hearing_notice_on == date(2025, 10, 15)


def test_hearing_request_lies_between_the_notice_and_today(driver):
    case = driver.act(driver.case_in("notifying"), "issue_notice", served_on=driver.dates.ago(1))
    assert case.hearing_request_due > driver.dates.today  # the window is open
    for requested in (case.notice_served_on - timedelta(days=1), driver.dates.today + timedelta(days=1)):
        with pytest.raises(ValidationError) as info:
            driver.act(case, "request_hearing", requested_on=requested, hearing_notice_on=requested)
        assert "requested_on" in info.value.message_dict
    assert Case.objects.get(pk=case.pk).state == "notified"


def test_hearing_notice_cannot_precede_the_request(autumn):
    case = autumn.case_in("notified")
    with pytest.raises(ValidationError) as info:
        autumn.act(case, "request_hearing", requested_on=date(2025, 10, 10), hearing_notice_on=date(2025, 10, 9))
    assert "hearing_notice_on" in info.value.message_dict


def test_hearing_notice_is_7_working_days_apl_art_85(autumn):
    """APL Arts 64, 85: the hearing notice is given 7 *working* days before the hearing. Notice Fri 10 Oct 2025:
    11 (worked Saturday), 13, 14, 15, 16, 17, 20 October, so the earliest hearing is Mon 20 Oct. (This test used
    to accept Fri 17 Oct, 7 calendar days later: the error issue 14 fixes.)"""
    case = autumn.case_in("notified")
    case = autumn.act(case, "request_hearing", requested_on=date(2025, 10, 9), hearing_notice_on=date(2025, 10, 10))
    assert case.events.get(action="request_hearing").payload["hearing_earliest"] == "2025-10-20"
    for too_early in (date(2025, 10, 16), date(2025, 10, 17)):
        with pytest.raises(ValidationError) as info:
            autumn.act(case, "record_hearing", held_on=too_early)
        assert "held_on" in info.value.message_dict
        assert "2025-10-20" in str(info.value)
    case = autumn.act(case, "record_hearing", held_on=date(2025, 10, 20))
    assert case.state == "legal_review"  # APL Art 58 ¶1(2): the legal review follows the hearing
    assert case.hearing_held_on == date(2025, 10, 20)


def test_hearing_cannot_be_recorded_in_the_future(driver):
    case = driver.case_in("hearing")
    with pytest.raises(ValidationError):
        driver.act(case, "record_hearing", held_on=driver.dates.today + timedelta(days=1))


def test_notice_dates_are_checked(driver):
    case = driver.case_in("notifying")
    with pytest.raises(ValidationError):
        driver.act(case, "issue_notice", served_on=driver.dates.filed - timedelta(days=1))
    with pytest.raises(ValidationError):
        driver.act(case, "issue_notice", served_on=driver.dates.today + timedelta(days=1))


def test_close_window_waits_for_the_window_to_end(driver):
    case = driver.case_in("notifying")
    case = driver.act(case, "issue_notice", served_on=driver.dates.today)
    with pytest.raises(ValidationError):
        driver.act(case, "close_window")
    assert Case.objects.get(pk=case.pk).state == "notified"


# --- Service and payment --------------------------------------------------------------------------------------


def test_service_due_is_7_working_days_after_the_decision(autumn_decision):
    case = autumn_decision.case_in("decided")
    assert case.decided_on == date(2025, 9, 30)
    assert case.service_due == date(2025, 10, 16)  # 9, 10, 11, 13, 14, 15, 16 October


def test_service_cannot_precede_the_decision_or_lie_in_the_future(driver):
    case = driver.case_in("decided")
    with pytest.raises(ValidationError):
        driver.act(case, "record_service", served_on=case.decided_on - timedelta(days=1))
    with pytest.raises(ValidationError):
        driver.act(case, "record_service", served_on=driver.dates.today + timedelta(days=1))


def test_payment_due_is_15_calendar_days_after_service(autumn_decision):
    case = autumn_decision.case_in("executing")
    assert case.served_on == date(2025, 10, 2)
    assert case.payment_due == date(2025, 10, 17)  # calendar days: the holiday does not extend it


# --- Surcharge ---------------------------------------------------------------------------------------------------


@pytest.fixture
def executing(autumn_decision):
    """Fine 100,000 and return 100,000; payment due 17 Oct 2025."""
    case = autumn_decision.case_in("executing")
    assert case.payment_due == DUE
    assert (case.fine_amount, case.return_amount) == (D("100000"), D("100000"))
    return case


DUE = date(2025, 10, 17)


def day(n):
    return DUE + timedelta(days=n)


def test_no_surcharge_within_the_payment_term(executing):
    assert clocks.surcharge_accrued(executing, today=DUE) == 0
    assert clocks.surcharge_accrued(executing, today=DUE - timedelta(days=10)) == 0


def test_surcharge_is_3_percent_a_day_of_the_unpaid_fine(executing):
    assert clocks.surcharge_accrued(executing, today=day(1)) == D("3000.00")
    assert clocks.surcharge_accrued(executing, today=day(10)) == D("30000.00")
    assert clocks.surcharge_accrued(executing, today=day(33)) == D("99000.00")


def test_surcharge_is_capped_at_the_fine(executing):
    assert clocks.surcharge_accrued(executing, today=day(34)) == D("100000")
    assert clocks.surcharge_accrued(executing, today=day(400)) == D("100000")
    surcharge = next(b for b in clocks.balances(executing, day(400)) if b.kind == "surcharge")
    assert surcharge.due == D("100000")


def test_partial_payment_in_time_halves_the_surcharge(autumn_decision, executing):
    case = autumn_decision.act(executing, "record_payment", kind="fine", amount=D("50000"), paid_on=DUE)
    assert clocks.surcharge_accrued(case, today=day(10)) == D("15000.00")


def test_partial_payment_after_the_term_reduces_it_from_the_next_day(autumn_decision, executing):
    case = autumn_decision.act(executing, "record_payment", kind="fine", amount=D("50000"), paid_on=day(2))
    # Days 1 and 2 on 100,000, days 3–10 on 50,000.
    assert clocks.surcharge_accrued(case, today=day(10)) == D("6000") + D("12000")


def test_full_payment_stops_the_surcharge(autumn_decision, executing):
    case = autumn_decision.act(executing, "record_payment", kind="fine", amount=D("100000"), paid_on=day(3))
    assert clocks.surcharge_accrued(case, today=day(3)) == D("9000.00")
    assert clocks.surcharge_accrued(case, today=day(300)) == D("9000.00")
    # The surcharge is then owed and paid like the rest.
    case = autumn_decision.act(case, "record_payment", kind="return_funds", amount=D("100000"), paid_on=day(3))
    assert clocks.outstanding_total(case, day(30)) == D("9000.00")
    with pytest.raises(ValidationError):
        autumn_decision.act(case, "record_payment", kind="surcharge", amount=D("9000.01"), paid_on=day(4))
    case = autumn_decision.act(case, "record_payment", kind="surcharge", amount=D("9000"), paid_on=day(4))
    assert clocks.outstanding_total(case) == 0
    assert autumn_decision.act(case, "close").state == "closed"


def test_late_return_of_funds_carries_no_surcharge(autumn_decision, executing):
    case = autumn_decision.act(executing, "record_payment", kind="fine", amount=D("100000"), paid_on=DUE)
    assert clocks.surcharge_accrued(case, today=day(50)) == 0


def test_payment_above_what_is_outstanding_is_refused(autumn_decision, executing):
    with pytest.raises(ValidationError) as info:
        autumn_decision.act(executing, "record_payment", kind="fine", amount=D("100000.01"), paid_on=DUE)
    assert "amount" in info.value.message_dict
    for bad in ({"kind": "gift"}, {"amount": D("0")}, {"amount": None}):
        with pytest.raises(ValidationError):
            autumn_decision.act(executing, "record_payment", **bad)
    assert not executing.payments.exists()


def test_payment_cannot_be_recorded_in_the_future(driver):
    case = driver.case_in("executing")
    with pytest.raises(ValidationError) as info:
        driver.act(case, "record_payment", paid_on=driver.dates.today + timedelta(days=1))
    assert "paid_on" in info.value.message_dict


# --- Overdue and due soon ----------------------------------------------------------------------------------------


def test_overdue_and_due_soon_count_only_clocks_running_in_the_state(driver, cast):
    d = driver.dates
    filing_late = driver.open(lead_received_on=d.ago(40), title="超期未立案")
    filing_fresh = driver.open(lead_received_on=d.today, title="新线索")
    investigating_soon = driver.act(driver.open(title="将到期"), "approve_filing", filed_on=d.ago(85))
    investigating_late = driver.act(driver.open(title="已超期"), "approve_filing", filed_on=d.ago(95))
    supervised = driver.act(driver.case_in("investigating", title="督办"), "supervise", city_deadline=d.ago(-3))
    decided = driver.case_in("decided", title="待送达")
    executing = driver.case_in("executing", title="待缴款")
    closed = driver.case_in("closed", title="已结案")

    assert investigating_soon.filing_due < d.today  # a stale filing clock that no longer runs
    assert investigating_soon.decision_due == d.ago(-5)
    assert decided.service_due < d.today
    assert executing.payment_due < d.today
    assert closed.payment_due < d.today

    overdue = set(Case.objects.overdue(today=d.today).values_list("title", flat=True))
    assert overdue == {filing_late.title, investigating_late.title, decided.title, executing.title}
    soon = set(Case.objects.due_soon(days=5, today=d.today).values_list("title", flat=True))
    assert soon == {investigating_soon.title, supervised.title}
    assert filing_fresh.title not in overdue | soon
    # The same filters chain after the scope.
    assert Case.objects.visible_to(cast.b01_officer).overdue().count() == 4
    assert not Case.objects.visible_to(cast.b02_chief).overdue().exists()


def test_running_clock_badges(driver):
    d = driver.dates
    soon = driver.act(driver.open(), "approve_filing", filed_on=d.ago(85))
    badges = clocks.running_clocks(soon, today=d.today)
    assert [(b.due, b.days_left, b.tone) for b in badges] == [(d.ago(-5), 5, "warning")]
    late = driver.act(driver.open(title="已超期"), "approve_filing", filed_on=d.ago(95))
    assert [b.tone for b in clocks.running_clocks(late, today=d.today)] == ["danger"]
    fresh = driver.act(driver.open(title="刚立案"), "approve_filing", filed_on=d.today)
    assert [b.tone for b in clocks.running_clocks(fresh, today=d.today)] == ["secondary"]
    assert clocks.running_clocks(driver.case_in("closed", title="已结案"), today=d.today) == []
