"""Leads (线索): where cases come from. Extended by the leads issue (import batches, dispatch, verification)."""

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from supervision.models import Institution, ScopedModel
from supervision.querysets import ScopedQuerySet


class Lead(ScopedModel):
    """A lead about an institution: from screening, a report, a supervisor, an inspection or a referral."""

    class Source(models.TextChoices):
        SCREENING = "screening", _("Smart screening")
        REPORT = "report", _("Public report")
        SUPERVISOR = "supervisor", _("Social supervisor")
        INSPECTION = "inspection", _("Inspection")
        REFERRAL = "referral", _("Referral or assignment")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        DISPATCHED = "dispatched", _("Dispatched")
        VERIFYING = "verifying", _("Verifying")
        DISMISSED = "dismissed", _("Dismissed")
        CONFIRMED = "confirmed", _("Confirmed")
        CONVERTED = "converted", _("Converted")

    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="leads", verbose_name=_("institution")
    )
    description = models.TextField(_("description"))
    amount = models.DecimalField(_("suspected amount"), max_digits=14, decimal_places=2, default=0)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    verification_due = models.DateField(_("verification due"), null=True, blank=True)
    rule_code = models.CharField(_("screening rule"), max_length=40, blank=True)
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        app_label = "supervision"
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["jurisdiction", "-received_on"]),
            models.Index(fields=["status", "-received_on"]),
        ]

    def __str__(self):
        return f"{self.get_source_display()} · {self.institution.name} · {self.received_on}"

    def get_absolute_url(self):
        try:
            return reverse("supervision:lead-detail", args=[self.pk])
        except NoReverseMatch:  # pages arrive with the leads issue
            return ""


class LeadUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="user_grants")


class LeadGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="group_grants")
