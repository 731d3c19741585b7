"""Social supervisors (社会监督员) and reports: supervisor reports (监督报告) and public reports (举报), their
attachments and the feedback the handling branch gives the reporter (domain §3, law-reference §5–6)."""

import hashlib
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.scoping import ScopedQuerySet
from supervision.leads.models import Lead
from supervision.org.models import OrgUnit, ScopedModel
from supervision.register.models import Institution


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class SupervisorAppointment(models.Model):
    """The appointment of a social supervisor by a unit, for a term (2 years by default)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Term ended")
        DISMISSED = "dismissed", _("Dismissed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("supervisor")
    )
    appointing_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("appointing unit")
    )
    certificate_number = models.CharField(_("appointment certificate number"), max_length=40, blank=True)
    appointed_on = models.DateField(_("appointed on"), default=timezone.localdate)
    term_ends_on = models.DateField(_("term ends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    contact_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contact officer"),
    )
    background = models.CharField(_("background"), max_length=100, blank=True)
    dismissed_reason = models.CharField(_("reason for dismissal"), max_length=300, blank=True)

    class Meta:
        app_label = "supervision"
        verbose_name = _("supervisor appointment")
        verbose_name_plural = _("supervisor appointments")
        ordering = ["-appointed_on", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.appointing_unit} · {self.appointed_on}–{self.term_ends_on}"

    def save(self, *args, **kwargs):
        if not self.term_ends_on and self.appointed_on:
            self.term_ends_on = add_years(self.appointed_on, settings.REPORTS["supervisor_term_years"])
        super().save(*args, **kwargs)

    def effective_status(self, today: date | None = None) -> str:
        """The status on a day: an active appointment past its term has expired even before the daily job."""
        today = today or timezone.localdate()
        if self.status == self.Status.ACTIVE and self.term_ends_on < today:
            return self.Status.EXPIRED
        return self.status

    def is_active(self, today: date | None = None) -> bool:
        return self.effective_status(today) == self.Status.ACTIVE

    def get_effective_status_display(self) -> str:
        return str(dict(self.Status.choices)[self.effective_status()])


def active_appointment(user, today: date | None = None) -> SupervisorAppointment | None:
    """The appointment under which ``user`` may submit reports today, if any."""
    if not getattr(user, "is_authenticated", False) or not user.pk:
        return None
    today = today or timezone.localdate()
    return (
        SupervisorAppointment.objects.filter(
            user_id=user.pk,
            status=SupervisorAppointment.Status.ACTIVE,
            appointed_on__lte=today,
            term_ends_on__gte=today,
        )
        .select_related("appointing_unit", "contact_officer")
        .first()
    )


class ReportQuerySet(ScopedQuerySet):
    """Reports: staff by the scope rule; a supervisor only what they submitted (and never a public report)."""

    def visible_to(self, user) -> "ReportQuerySet":
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.is_superuser and not user.is_staff_member:
            if user.has_role("supervisor"):
                return self.filter(submitted_by_id=user.pk, kind=Report.Kind.SUPERVISOR)
            return self.none()
        return super().visible_to(user)

    def awaiting_reply(self) -> "ReportQuerySet":
        return self.filter(replied_on__isnull=True)

    def reply_overdue(self, today: date | None = None) -> "ReportQuerySet":
        return self.awaiting_reply().filter(reply_due__lt=today or timezone.localdate())


class Report(ScopedModel):
    """A report about an institution by a social supervisor or a member of the public; it becomes a lead in
    the institution's branch, which must reply to the reporter within a configurable number of working days."""

    class Kind(models.TextChoices):
        SUPERVISOR = "supervisor", _("Supervisor report")
        PUBLIC = "public", _("Public report")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, awaiting reply")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="reports", verbose_name=_("institution")
    )
    summary = models.CharField(_("summary"), max_length=200)
    details = models.TextField(_("details"))
    observed_on = models.DateField(_("date observed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submitted_reports",
        verbose_name=_("submitted by"),
    )
    appointment = models.ForeignKey(
        SupervisorAppointment, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    reply_due = models.DateField(_("reply due"))
    replied_on = models.DateField(_("first reply on"), null=True, blank=True)
    lead = models.OneToOneField(
        Lead, null=True, blank=True, on_delete=models.PROTECT, related_name="report", verbose_name=_("lead")
    )
    # Public reports: the tracking code the reporter checks the status with, and who they are when named.
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True)
    reporter_id_number = models.CharField(_("reporter's ID number"), max_length=18, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_address = models.CharField(_("reporter's address"), max_length=200, blank=True)
    wants_reward = models.BooleanField(_("wants a reward"), default=False)
    source_address = models.GenericIPAddressField(_("submitted from"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        app_label = "supervision"
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["jurisdiction", "-submitted_at"]),
            models.Index(fields=["submitted_by", "-submitted_at"]),
            models.Index(fields=["reply_due"], condition=Q(replied_on__isnull=True), name="report_awaiting_idx"),
        ]
        permissions = [
            ("submit_report", "Can submit supervisor reports"),
            ("reply_report", "Can reply to reports"),
            ("close_report", "Can close replied reports"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.summary}"

    def get_absolute_url(self):
        return reverse("supervision:report-detail", args=[self.pk])

    def is_reply_overdue(self, today: date | None = None) -> bool:
        return self.replied_on is None and self.reply_due < (today or timezone.localdate())

    @property
    def progress(self) -> str:
        """What the reporter is told about the verification, from the lead's status (no staff detail)."""
        if self.lead_id is None:
            return str(pgettext_lazy("report progress", "Received"))
        status = self.lead.status
        if status == Lead.Status.DISMISSED:
            return str(_("Verified: not substantiated"))
        if status in (Lead.Status.CONFIRMED, Lead.Status.CONVERTED):
            return str(_("Verified: substantiated, being handled"))
        if status == Lead.Status.NEW:
            return str(pgettext_lazy("report progress", "Received"))
        return str(_("Under verification"))


class ReportAttachment(models.Model):
    """A file sent with a report, with its SHA-256."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "supervision"
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @staticmethod
    def digest(fileobj) -> str:
        sha = hashlib.sha256()
        for chunk in fileobj.chunks():
            sha.update(chunk)
        fileobj.seek(0)
        return sha.hexdigest()


class ReportFeedback(models.Model):
    """A reply to the reporter from the handling branch (the reporter reads it)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField(_("reply"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        app_label = "supervision"
        verbose_name = _("reply to the reporter")
        verbose_name_plural = _("replies to the reporter")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.report_id} · {self.at:%Y-%m-%d}"
