"""Writes of the statistics' monthly aggregates (models.py): the refresh of a year, and the snapshots reads need.

A refresh runs every stored series (selectors.SERIES: the figures' own list definitions) over all records of the
year dated up to the cut-off — the last day of the previous month for the current year, the year's end for a past
year — and replaces the year's rows in one transaction, so a reader sees the old set or the new one, never half.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from enforcement.statistics.models import MonthlyFigure, StatisticsSnapshot


def cutoff(year: int, today: date | None = None) -> date:
    """The last day the stored aggregates of ``year`` cover: the end of last month, or the year's end if past."""
    today = today or timezone.localdate()
    if year < today.year:
        return date(year, 12, 31)
    return today.replace(day=1) - timedelta(days=1)  # in January: 31 Dec of last year, nothing of this one stored


def statistics_refresh(year: int, *, today: date | None = None) -> StatisticsSnapshot:
    """Recompute and store ``year``'s monthly aggregates up to its cut-off (nightly, on demand, after writes)."""
    from enforcement.statistics.selectors import SERIES, aggregate

    through = cutoff(year, today)
    with transaction.atomic():
        snapshot, _created = StatisticsSnapshot.objects.select_for_update().get_or_create(
            year=year, defaults={"through": through}
        )  # concurrent refreshes of one year queue here
        started = timezone.now()
        rows = []
        if through >= date(year, 1, 1):
            for figure in SERIES:
                for (jid, y, m, *splits), value in aggregate(figure, None, None, date(year, 1, 1), through).items():
                    padded = [str(s or "") for s in splits] + ["", ""]
                    rows.append(MonthlyFigure(year=y, month=m, unit_id=jid, key=figure.key,
                                              split0=padded[0], split1=padded[1], value=value))  # fmt: skip
        MonthlyFigure.objects.filter(year=year).delete()
        MonthlyFigure.objects.bulk_create(rows, batch_size=2000)
        snapshot.through, snapshot.refreshed_at, snapshot.changed_at = through, started, None
        snapshot.save(update_fields=["through", "refreshed_at", "changed_at"])
    return snapshot


def snapshots_for(year: int, today: date | None = None) -> StatisticsSnapshot:
    """``year``'s snapshot for a read, with last year's complete (for the comparison); made when missing.

    A missing one is made at once (the first read after a deploy or a new year; ~ the cost of a live page); one
    whose cut-off is behind is still right, only more of the year is computed live until the nightly refresh."""
    today = today or timezone.localdate()
    found = {s.year: s for s in StatisticsSnapshot.objects.filter(year__in=[year - 1, year])}
    previous = found.get(year - 1)
    if previous is None or previous.through < date(year - 1, 12, 31):
        statistics_refresh(year - 1, today=today)
    current = found.get(year)
    if current is None or current.through < date(year, 1, 1) <= cutoff(year, today):
        current = statistics_refresh(year, today=today)  # none yet, or stored nothing of a year now under way
    return current


def years_due(today: date | None = None) -> list[int]:
    """The years the nightly refresh recomputes: this year and last (late decisions and payments move both)."""
    today = today or timezone.localdate()
    return [today.year - 1, today.year]
