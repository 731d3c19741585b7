"""Gapless numbers per (series, year): case numbers now, document numbers later.

The counter row is locked with SELECT … FOR UPDATE inside the caller's transaction, so two concurrent
callers get consecutive numbers and a rolled-back caller leaves no gap.
"""

from django.db import IntegrityError, models, transaction


class NumberSequence(models.Model):
    """The last number issued in one series and year."""

    series = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "supervision"
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="uniq_number_series_year")]

    def __str__(self):
        return f"{self.series} {self.year}: {self.last}"


def next_number(series: str, year: int) -> int:
    """Take the next number of the series; must run inside the transaction that uses it."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that stores the number")
    try:
        with transaction.atomic():
            NumberSequence.objects.get_or_create(series=series, year=year)
    except IntegrityError:
        pass  # a concurrent caller created the row first
    row = NumberSequence.objects.select_for_update().get(series=series, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last
