"""Leads (线索): where cases come from, and the import batches that bring screening leads in bulk."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from supervision.leads.querysets import VERIFYING_STATUSES, ImportBatchQuerySet, LeadQuerySet
from supervision.org.models import OrgUnit, ScopedModel
from supervision.register.models import Institution


class ImportBatch(ScopedModel):
    """One bulk import of screening leads: who, when, which file, the counts, progress and the error report.

    The jurisdiction is the importer's scope unit; the importer always sees their own batches.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the background worker")
        VALIDATING = "validating", _("Checking every row")
        WRITING = "writing", _("Writing the leads")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected: the file has errors")
        FAILED = "failed", _("Failed")

    class Encoding(models.TextChoices):
        AUTO = "auto", _("Detect (UTF-8, then GB18030)")
        UTF8 = "utf-8", _("UTF-8")
        GB18030 = "gb18030", _("GB18030 / GBK (Chinese Excel)")

    FINAL = frozenset({Status.DONE, Status.REJECTED, Status.FAILED})

    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    encoding = models.CharField(_("encoding"), max_length=10, choices=Encoding.choices, default=Encoding.AUTO)
    detected_format = models.CharField(_("format read"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("data rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("leads created"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows skipped (already imported)"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("error report"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        app_label = "supervision"
        verbose_name = _("lead import")
        verbose_name_plural = _("lead imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("supervision:leadimport-detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL


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

    # Leads arrive by the hundred thousand: indexes that no query uses are left out, as each one slows every
    # import (the composite (jurisdiction, received_on) index serves the scope filter).
    jurisdiction = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("jurisdiction"), db_index=False
    )
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
    hits = models.PositiveIntegerField(_("screening hits"), default=0)  # contract: 0 for other sources
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    # Unique through Meta.constraints (no extra LIKE index on PostgreSQL, which a unique field would add).
    external_id = models.CharField(_("external id"), max_length=64, null=True, blank=True)
    # Set for a lead entered by hand; an imported lead's importer is its batch's (see ``entered_by``).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    # Import, dispatch, verification and its outcome.
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
        verbose_name=_("import batch"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_leads",
        verbose_name=_("verifying officer"),
        db_index=False,  # a partial index (Meta) leaves the unassigned imported leads out
    )
    dispatched_on = models.DateField(_("dispatched on"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    verification_started_on = models.DateField(_("verification started on"), null=True, blank=True)
    decided_on = models.DateField(_("verification concluded on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    decision_note = models.TextField(_("conclusion"), blank=True)
    # What a confirmed lead became (a case or an agreement action of the enforcement app). Generic, because
    # supervision does not depend on enforcement; a case also points back through Case.lead.
    converted_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("converted to"),
        db_index=False,
    )
    converted_id = models.PositiveBigIntegerField(null=True, blank=True)
    converted_to = GenericForeignKey("converted_type", "converted_id")

    objects = LeadQuerySet.as_manager()

    class Meta:
        app_label = "supervision"
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["jurisdiction", "-received_on"]),
            models.Index(fields=["status", "-received_on"]),
            # The inbox's own order, for city-wide users (bench: city lead list p50 372 → 129 ms on 200,000
            # leads); it costs the import one more index to fill.
            models.Index(fields=["-received_on", "-id"], name="lead_list_order_idx"),
            models.Index(fields=["assignee"], condition=models.Q(assignee__isnull=False), name="lead_assignee_idx"),
            # The home page's overdue count (issue 19): only the leads whose verification clock runs (the
            # statuses of LeadQuerySet.verifying(), in the same order), by unit and due date.
            models.Index(
                fields=["jurisdiction", "verification_due"],
                condition=models.Q(status__in=VERIFYING_STATUSES),
                name="lead_verification_run_idx",
            ),
            # The home page's "new leads to dispatch" of a branch: by unit, only the new leads (without it, the
            # count reads the status index of every new lead in the city and the unit index of every branch lead).
            models.Index(fields=["jurisdiction"], condition=models.Q(status="new"), name="lead_new_idx"),
            # The statistics' current month (leads confirmed in a month); the leads not yet concluded, i.e. every
            # freshly imported one, stay out of it and cost the import nothing.
            models.Index(
                fields=["decided_on"], condition=models.Q(decided_on__isnull=False), name="lead_decided_on_idx"
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["external_id"], name="lead_external_id_uniq")]
        permissions = [
            ("export_lead", "Can export leads"),
            ("import_lead", "Can import screening leads"),
            ("dispatch_lead", "Can dispatch leads"),
            ("verify_lead", "Can verify leads"),
            ("decide_lead", "Can dismiss or confirm leads"),
        ]

    def __str__(self):
        return f"{self.get_source_display()} · {self.institution.name} · {self.received_on}"

    def get_absolute_url(self):
        try:
            return reverse("supervision:lead-detail", args=[self.pk])
        except NoReverseMatch:
            return ""

    @property
    def entered_by(self):
        """Who brought the lead in: the person who entered it, or for an imported lead the batch's importer."""
        if self.created_by_id is None and self.batch_id is not None:
            return self.batch.created_by
        return self.created_by

    def is_overdue(self, today=None) -> bool:
        """Verification is running and its due date has passed."""
        today = today or timezone.localdate()
        return (
            self.status in (self.Status.DISPATCHED, self.Status.VERIFYING)
            and self.verification_due is not None
            and self.verification_due < today
        )


class LeadUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="user_grants")


class LeadGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="group_grants")
