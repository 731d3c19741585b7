"""The working-day calendar: weekends, public holidays, make-up working days (调休), and the CSV import."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.workdays import CalendarDay, add_working_days, import_calendar_csv, is_working_day, working_days_between

MON, TUE, WED, THU, FRI, SAT, SUN = (date(2025, 3, d) for d in range(3, 10))  # a plain week (no holidays)
NEXT_MON = date(2025, 3, 10)

pytestmark = pytest.mark.django_db


def holiday(day, name="节假日"):
    return CalendarDay.objects.create(day=day, kind=CalendarDay.Kind.HOLIDAY, name=name)


def workday(day, name="调休"):
    return CalendarDay.objects.create(day=day, kind=CalendarDay.Kind.WORKDAY, name=name)


@pytest.fixture
def national_day_2025():
    """The 2025 National Day and Mid-Autumn holiday: 1–8 October off, Sunday 28 Sept and Saturday 11 Oct worked."""
    for n in range(1, 9):
        holiday(date(2025, 10, n), "国庆节、中秋节")
    workday(date(2025, 9, 28))
    workday(date(2025, 10, 11))


# --- add_working_days ------------------------------------------------------------------------------------


def test_the_week_reference_days_are_what_the_names_say():
    assert [d.weekday() for d in (MON, TUE, WED, THU, FRI, SAT, SUN, NEXT_MON)] == [0, 1, 2, 3, 4, 5, 6, 0]


def test_start_day_is_not_counted():
    assert add_working_days(MON, 1) == TUE
    assert add_working_days(MON, 4) == FRI


def test_zero_days_is_the_start_day_itself():
    assert add_working_days(MON, 0) == MON
    assert add_working_days(SAT, 0) == SAT


def test_weekend_is_skipped():
    assert add_working_days(FRI, 1) == NEXT_MON
    assert add_working_days(THU, 2) == NEXT_MON
    assert add_working_days(SAT, 1) == NEXT_MON
    assert add_working_days(SUN, 1) == NEXT_MON
    assert add_working_days(FRI, 5) == date(2025, 3, 14)
    assert add_working_days(MON, 15) == date(2025, 3, 24)


def test_public_holiday_inside_the_span_is_skipped():
    holiday(WED)
    assert add_working_days(MON, 1) == TUE
    assert add_working_days(MON, 2) == THU
    assert add_working_days(MON, 4) == NEXT_MON


def test_holiday_on_the_start_day_changes_nothing():
    holiday(MON)
    assert add_working_days(MON, 1) == TUE


def test_make_up_working_day_on_a_saturday_counts():
    workday(SAT)
    assert is_working_day(SAT)
    assert add_working_days(FRI, 1) == SAT
    assert add_working_days(FRI, 2) == NEXT_MON
    assert add_working_days(THU, 2) == SAT


def test_national_day_week(national_day_2025):
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)  # Friday → the make-up Sunday
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)  # the make-up Saturday
    assert add_working_days(date(2025, 9, 30), 4) == date(2025, 10, 13)
    # 15 working days from the eve of the holiday (the filing clock).
    assert add_working_days(date(2025, 9, 30), 15) == date(2025, 10, 28)


def test_a_holiday_longer_than_the_look_ahead_is_still_honoured():
    for n in range(1, 61):
        holiday(MON + timedelta(days=n))
    assert add_working_days(MON, 1) == MON + timedelta(days=61 if (MON + timedelta(days=61)).weekday() < 5 else 63)


def test_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(MON, -1)


# --- working_days_between ----------------------------------------------------------------------------------


def test_working_days_between_counts_after_start_up_to_end():
    assert working_days_between(MON, MON) == 0
    assert working_days_between(MON, TUE) == 1
    assert working_days_between(MON, FRI) == 4
    assert working_days_between(FRI, NEXT_MON) == 1
    assert working_days_between(FRI, SUN) == 0


def test_working_days_between_is_negative_backwards():
    assert working_days_between(FRI, MON) == -4
    assert working_days_between(NEXT_MON, FRI) == -1


def test_working_days_between_honours_the_calendar():
    holiday(WED)
    workday(SAT)
    assert working_days_between(MON, FRI) == 3
    assert working_days_between(MON, NEXT_MON) == 5  # Tue, Thu, Fri, Sat (worked), Mon


@pytest.mark.parametrize("count", [0, 1, 4, 5, 7, 15, 30])
def test_working_days_between_inverts_add_working_days(national_day_2025, count):
    for start in (date(2025, 9, 26), date(2025, 9, 30), date(2025, 10, 3)):
        assert working_days_between(start, add_working_days(start, count)) == count


# --- CSV import ------------------------------------------------------------------------------------------------

GOOD_CSV = (
    "date,kind,name\n"
    "2025-10-01,holiday,国庆节\n"
    "2025-10-02,节假日,国庆节\n"
    "2025-09-28,调休,国庆调休\n"
    "2025-10-11,workday,\n"
    "2025-10-03,休,国庆节\n"
    "2025-10-12,班,\n"
)


def test_import_good_file():
    assert import_calendar_csv(GOOD_CSV.encode()) == 6
    kinds = dict(CalendarDay.objects.values_list("day", "kind"))
    assert kinds == {
        date(2025, 10, 1): "holiday",
        date(2025, 10, 2): "holiday",
        date(2025, 10, 3): "holiday",
        date(2025, 9, 28): "workday",
        date(2025, 10, 11): "workday",
        date(2025, 10, 12): "workday",
    }
    assert CalendarDay.objects.get(day=date(2025, 9, 28)).name == "国庆调休"
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)


def test_import_updates_existing_days():
    workday(date(2025, 10, 1), "录错")
    import_calendar_csv(GOOD_CSV.encode())
    day = CalendarDay.objects.get(day=date(2025, 10, 1))
    assert (day.kind, day.name) == ("holiday", "国庆节")
    assert CalendarDay.objects.count() == 6


def test_import_with_utf8_bom():
    assert import_calendar_csv(b"\xef\xbb\xbf" + GOOD_CSV.encode()) == 6
    assert CalendarDay.objects.count() == 6


def test_import_with_utf16_bom():
    assert import_calendar_csv(GOOD_CSV.encode("utf-16")) == 6


def test_import_tolerates_spaces_around_header_names():
    assert import_calendar_csv(b"date, kind, name\n2025-10-01, holiday, National Day\n") == 1
    assert CalendarDay.objects.get().kind == "holiday"


def test_import_bad_rows_are_all_reported_and_nothing_is_written():
    data = (
        "date,kind,name\n"
        "2025-10-01,holiday,国庆节\n"  # row 2: good
        "2025-13-01,holiday,坏日期\n"  # row 3
        "2025-10-02,vacation,坏类型\n"  # row 4
        "2025-10-03,holiday,国庆节\n"  # row 5: good
        ",holiday,空日期\n"  # row 6
        "10/04/2025,workday,\n"  # row 7
    ).encode()
    with translation.override("en"), pytest.raises(ValidationError) as info:
        import_calendar_csv(data)
    messages = info.value.messages
    assert len(messages) == 4
    for row in (3, 4, 6, 7):
        assert any(message.startswith(f"row {row}:") for message in messages), row
    assert not CalendarDay.objects.exists()


def test_import_needs_the_header():
    with pytest.raises(ValidationError):
        import_calendar_csv("2025-10-01,holiday,国庆节\n".encode())
    with pytest.raises(ValidationError):
        import_calendar_csv(b"")
    assert not CalendarDay.objects.exists()


def test_import_truncates_long_names():
    import_calendar_csv(("date,kind,name\n2025-10-01,holiday," + "节" * 60 + "\n").encode())
    assert len(CalendarDay.objects.get().name) == 40
