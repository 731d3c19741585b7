"""The working-day calendar: weekends, public holidays and make-up working days (调休).

Administrators maintain the calendar (admin site, or ``manage.py import_calendar FILE`` with a CSV of
``date,kind,name``). Clocks that the law counts in working days (工作日) use ``add_working_days``; the
others count calendar days.
"""

import csv
import io
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class CalendarDay(models.Model):
    """A day that differs from the plain week: a public holiday, or a weekend day worked instead (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", gettext_lazy("Public holiday (no work)")
        WORKDAY = "workday", gettext_lazy("Make-up working day")

    day = models.DateField(gettext_lazy("date"), unique=True)
    kind = models.CharField(gettext_lazy("kind"), max_length=8, choices=Kind.choices)
    name = models.CharField(gettext_lazy("name"), max_length=40, blank=True)

    class Meta:
        app_label = "supervision"
        verbose_name = gettext_lazy("calendar day")
        verbose_name_plural = gettext_lazy("working-day calendar")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.get_kind_display()} {self.name}"


def _exceptions(start: date, end: date) -> dict[date, str]:
    return dict(CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "kind"))


def is_working_day(day: date, exceptions: dict[date, str] | None = None) -> bool:
    if exceptions is None:
        exceptions = _exceptions(day, day)
    kind = exceptions.get(day)
    if kind == CalendarDay.Kind.HOLIDAY:
        return False
    if kind == CalendarDay.Kind.WORKDAY:
        return True
    return day.weekday() < 5


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (the start day itself is not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    # Long holidays are at most ~9 days, so 2× the span plus a margin always holds enough working days.
    horizon = start + timedelta(days=count * 2 + 30)
    exceptions = _exceptions(start, horizon)
    day, remaining = start, count
    while remaining:
        day += timedelta(days=1)
        if day > horizon:
            horizon = day + timedelta(days=count * 2 + 30)
            exceptions.update(_exceptions(day, horizon))
        if is_working_day(day, exceptions):
            remaining -= 1
    return day


def roll_forward(day: date) -> date:
    """``day`` itself when it is a working day, else the next working day.

    A period counted in calendar days that ends on a rest day (weekend or public holiday) ends on the next
    working day (Civil Procedure Law Art 85, applied to administrative periods; contract ``deadlines/``).
    """
    horizon = day + timedelta(days=30)
    exceptions = _exceptions(day, horizon)
    while not is_working_day(day, exceptions):
        day += timedelta(days=1)
        if day > horizon:
            horizon = day + timedelta(days=30)
            exceptions.update(_exceptions(day, horizon))
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end is before start)."""
    if end < start:
        return -working_days_between(end, start)
    exceptions = _exceptions(start, end)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n), exceptions))


def import_calendar_csv(data: bytes) -> int:
    """Import ``date,kind,name`` rows (kind: holiday|workday; 节假日/调休 also accepted).

    Every row is validated first; any bad row raises ValidationError listing all of them and nothing is
    written. Existing days are updated.
    """
    aliases = {"holiday": "holiday", "节假日": "holiday", "休": "holiday", "workday": "workday", "调休": "workday",
               "班": "workday"}  # fmt: skip
    text = data.decode("utf-8-sig") if not data.startswith(b"\xff\xfe") else data.decode("utf-16")
    rows, errors = [], []
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"date", "kind"} <= {f.strip() for f in reader.fieldnames}:
        raise ValidationError(_("The header row must contain date,kind (and optionally name)."))
    reader.fieldnames = [f.strip() for f in reader.fieldnames]  # rows are read by the stripped names
    for number, row in enumerate(reader, start=2):
        raw_day, raw_kind = (row.get("date") or "").strip(), (row.get("kind") or "").strip()
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            errors.append(_("row %(row)s: %(value)r is not a date (YYYY-MM-DD)") % {"row": number, "value": raw_day})
            continue
        kind = aliases.get(raw_kind.lower()) or aliases.get(raw_kind)
        if kind is None:
            errors.append(_("row %(row)s: kind must be holiday or workday") % {"row": number})
            continue
        rows.append((day, kind, (row.get("name") or "").strip()[:40]))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for day, kind, name in rows:
            CalendarDay.objects.update_or_create(day=day, defaults={"kind": kind, "name": name})
    return len(rows)


def working_days_from(today: date, days: list[date]) -> dict[date, int]:
    """``working_days_between(today, day)`` for many days with one calendar query (lists and the inbox)."""
    days = [d for d in days if d is not None]
    if not days:
        return {}
    start, end = min([today, *days]), max([today, *days])
    exceptions = _exceptions(start, end)
    working = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    # Running count of working days from ``start``: difference of two prefix counts, no per-day query.
    prefix, total = {}, 0
    for day in working:
        if day != start and is_working_day(day, exceptions):
            total += 1
        prefix[day] = total
    return {day: prefix[day] - prefix[today] for day in days}
