"""Monthly aggregates of the statistics (issue 17): what the year's figures read for the months already closed.

A figure is still defined once (selectors.FIGURES, the list's own FilterSet); ``services.statistics_refresh``
runs those definitions over every record of a year up to a cut-off date (``StatisticsSnapshot.through``, the
last day of the previous month) and keeps the result here per jurisdiction unit, month and figure (and the
split values of the lead funnel and of screening). Reads add the months after the cut-off, computed live from the
same definitions, so the current month is always exact; the closed months are as of ``refreshed_at`` (shown on the
page), refreshed every night, on demand, and soon after a write dated in a closed month (``hooks``).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["MonthlyFigure", "StatisticsSnapshot"]


class StatisticsSnapshot(models.Model):
    """One year's stored aggregates: the months up to ``through`` as computed at ``refreshed_at``."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    through = models.DateField(_("aggregated through"))
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)
    # Set when a record dated on or before ``through`` was written after the refresh (cleared by the next one).
    changed_at = models.DateTimeField(_("changed since refresh at"), null=True, blank=True)

    class Meta:
        app_label = "enforcement"
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")

    def __str__(self):
        return f"{self.year} ≤ {self.through:%Y-%m-%d} @ {timezone.localtime(self.refreshed_at):%Y-%m-%d %H:%M}"


class MonthlyFigure(models.Model):
    """A figure's value for one jurisdiction unit and month (counts are whole numbers, money in CNY)."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    unit = models.ForeignKey("supervision.OrgUnit", on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(_("figure"), max_length=40)
    split0 = models.CharField(max_length=40, blank=True)  # e.g. the lead's source
    split1 = models.CharField(max_length=40, blank=True)  # e.g. the lead's status
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)

    class Meta:
        app_label = "enforcement"
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "key", "unit", "month", "split0", "split1"], name="monthly_figure_uniq"
            )
        ]

    def __str__(self):
        return f"{self.key} {self.year}-{self.month:02d} {self.unit_id}: {self.value}"
