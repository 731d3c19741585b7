"""Keeps the stored monthly aggregates honest after writes: a record saved or deleted whose date lies in a month
already stored (e.g. an inspection planned in March that starts now, a lead received last month that is confirmed,
a payment entered with an earlier date) marks that year's snapshot changed and queues its refresh once the write
commits. Writes dated in the current month need nothing: that month is always computed live.

Signals see ``save()`` and ``delete()``; bulk writes (imports, the bench seeders) are caught by the nightly
refresh. The handler runs no query (the check is against the cut-off date); the one UPDATE runs on commit and
debounces: only the first change after a refresh queues one.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def watched_models() -> dict:
    """Model → the date fields its figures are dated by (from the one definition, selectors.SERIES)."""
    from enforcement.statistics.selectors import SERIES

    fields: dict = {}
    for figure in SERIES:
        fields.setdefault(figure.filterset_class._meta.model, set()).add(figure.date_field)
    return fields


def _changed(sender, instance, **kwargs):
    from enforcement.statistics.services import cutoff

    today = timezone.localdate()
    this_month = today.replace(day=1)
    earliest: dict = {}  # year → the record's earliest stored date in it (a refresh recomputes the whole year)
    for name in WATCHED.get(sender, ()):
        day = _day(getattr(instance, name, None))
        if day is not None and day < this_month and day <= cutoff(day.year, today):
            earliest[day.year] = min(day, earliest.get(day.year, day))
    for day in earliest.values():
        transaction.on_commit(lambda day=day: _commit(day))


def _commit(day: date) -> None:
    from enforcement.statistics.models import StatisticsSnapshot
    from enforcement.statistics.tasks import statistics_refresh_task

    marked = StatisticsSnapshot.objects.filter(year=day.year, through__gte=day, changed_at__isnull=True).update(
        changed_at=timezone.now()
    )
    if marked:  # the first change since the last refresh queues the next one
        statistics_refresh_task.enqueue(day.year)


WATCHED: dict = {}


def register() -> None:
    WATCHED.update(watched_models())
    for model in WATCHED:
        post_save.connect(_changed, sender=model, dispatch_uid=f"statistics-{model._meta.label}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"statistics-{model._meta.label}-delete")
