"""A notification to one user: something was assigned to them, their proposal was decided, or an item of their
inbox falls due soon. It names its record (label and link) and is read once."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Notification"]


class Notification(models.Model):
    class Verb(models.TextChoices):
        LEAD_ASSIGNED = "lead_assigned", _("A lead was assigned to you for verification")
        CASE_ASSIGNED = "case_assigned", _("You were assigned to a case")
        INSPECTION_MEMBER = "inspection_member", _("You were put on an inspection team")
        FILING_APPROVED = "filing_approved", _("The filing of your case was approved")
        FILING_REJECTED = "filing_rejected", _("Your case was not filed")
        REPORT_APPROVED = "report_approved", _("Your investigation report was approved")
        REPORT_RETURNED = "report_returned", _("Your case was returned for more investigation")
        REPAIR_APPROVED = "repair_approved", _("The credit repair application was approved")
        REPAIR_REFUSED = "repair_refused", _("The credit repair application was refused")
        DUE_SOON = "due_soon", _("An item of your inbox falls due soon")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    verb = models.CharField(_("what happened"), max_length=20, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("done by"),
        db_index=False,
    )
    record_label = models.CharField(_("record"), max_length=250)
    url = models.CharField(_("link"), max_length=300, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    note = models.CharField(_("note"), max_length=250, blank=True)
    # "<kind>:<id>:<step>" of an inbox item: one due-soon notice per item and day (notify_due_soon).
    key = models.CharField(max_length=80, blank=True)
    day = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        app_label = "supervision"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            # The bell's unread count.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "verb", "key", "day"], condition=~Q(key=""), name="notification_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.get_verb_display()} · {self.record_label}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
