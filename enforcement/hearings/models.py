"""The hearing (听证) of a case: when, where and by whom it is held, and what was said (APL Arts 63–65)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HearingRecord(models.Model):
    """One per case: the hearing's schedule (for its notice) and its record (for the 听证笔录 and 听证报告)."""

    case = models.OneToOneField("enforcement.Case", on_delete=models.CASCADE, related_name="hearing_record")
    # The schedule, given in the hearing notice at least 7 working days ahead (APL Arts 64(2), 85).
    scheduled_at = models.DateTimeField(_("hearing date and time"), null=True, blank=True)
    place = models.CharField(_("hearing place"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chair (not one of the investigators)"),
    )
    clerk = models.CharField(_("clerk"), max_length=60, blank=True)
    is_public = models.BooleanField(
        _("held in public"), default=True, help_text=_("Not in public only for state or trade secrets or privacy.")
    )
    # The record.
    participants = models.TextField(_("participants"), blank=True)
    investigators_case = models.TextField(_("the investigators' facts, evidence and proposal"), blank=True)
    party_statement = models.TextField(_("the party's statement and defence"), blank=True)
    cross_examination = models.TextField(_("cross-examination and debate"), blank=True)
    final_statement = models.TextField(_("the party's final statement"), blank=True)
    chair_opinion = models.TextField(_("the chair's opinion"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "enforcement"
        verbose_name = _("hearing record")
        verbose_name_plural = _("hearing records")

    def __str__(self):
        return f"{self.case.number} · {self.place}"

    @property
    def is_scheduled(self) -> bool:
        return bool(self.scheduled_at and self.place and self.chair_id)

    @property
    def is_recorded(self) -> bool:
        return bool(self.investigators_case and self.party_statement and self.chair_opinion)
