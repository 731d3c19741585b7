"""Issued documents (文书): numbered, stored as PDF with their SHA-256, corrected by new versions; print batches."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from enforcement.documents.querysets import DocumentQuerySet, PrintBatchQuerySet
from supervision.org.models import OrgUnit, ScopedModel


class DocumentKind(models.TextChoices):
    """The printable documents of domain §6 (names are part of the API contract)."""

    PRIOR_NOTICE = "prior_notice", _("Prior notice of administrative penalty")
    PENALTY_DECISION = "penalty_decision", _("Administrative penalty decision")
    NO_PENALTY_DECISION = "no_penalty_decision", _("Decision not to impose a penalty")
    SERVICE_RECEIPT = "service_receipt", _("Service receipt")
    AGREEMENT_NOTICE = "agreement_notice", _("Agreement action notice")
    FILING_FORM = "filing_form", _("Filing approval form")
    CRIMINAL_TRANSFER = "criminal_transfer", _("Transfer of a suspected crime")
    # The case file's documents (issue 15). A kind is issuable once content.TEMPLATES has its template.
    NOT_FILING_FORM = "not_filing_form", _("Approval form for not filing a case")
    INQUIRY_NOTICE = "inquiry_notice", _("Inquiry notice")
    INQUIRY_RECORD = "inquiry_record", _("Inquiry record")
    SITE_INSPECTION_RECORD = "site_inspection_record", _("On-site inspection record")
    EVIDENCE_REQUEST = "evidence_request", _("Notice to produce evidence")
    ASSISTANCE_LETTER = "assistance_letter", _("Letter requesting assistance with an investigation")
    PRESERVATION_NOTICE = "preservation_notice", _("Notice of registration and preservation of evidence")
    PRESERVATION_DECISION = "preservation_decision", _("Decision on preserved evidence")
    SEALING_DECISION = "sealing_decision", _("Sealing decision")
    UNSEALING_DECISION = "unsealing_decision", _("Decision to lift a sealing")
    ORDER_TO_CORRECT = "order_to_correct", _("Order to correct")
    INVESTIGATION_REPORT = "investigation_report", _("Investigation report")
    HEARING_NOTICE = "hearing_notice", _("Hearing notice")
    HEARING_RECORD = "hearing_record", _("Hearing record")
    HEARING_REPORT = "hearing_report", _("Hearing report")
    LEGAL_REVIEW_OPINION = "legal_review_opinion", _("Legal review opinion")
    COLLECTIVE_DISCUSSION_RECORD = "collective_discussion_record", _("Collective discussion record")
    DECISION_APPROVAL_FORM = "decision_approval_form", _("Penalty decision approval form")
    PAYMENT_DEMAND = "payment_demand", _("Demand for payment")
    PAYMENT_PLAN_DECISION = "payment_plan_decision", _("Decision on deferred or instalment payment")
    CLOSING_FORM = "closing_form", _("Case closing approval form")


class Document(ScopedModel):
    """One issued version of a numbered document; a correction is a new version with the same number."""

    Kind = DocumentKind

    case = models.ForeignKey(
        "enforcement.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("case"),
    )
    agreement_action = models.ForeignKey(
        "enforcement.AgreementAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("agreement action"),
    )
    # A collective-discussion record is one document per discussion: the discussion it records.
    discussion = models.ForeignKey(
        "enforcement.Discussion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("collective discussion"),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=DocumentKind.choices)
    issuing_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("issuing unit")
    )
    number = models.CharField(_("document number"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("sequence"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # The HTML the PDF was made from: the print preview and batch printing show exactly what was issued.
    html = models.TextField(_("source HTML"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by")
    )
    reason = models.TextField(_("reason for the correction"), blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["jurisdiction", "-issued_at"]),
            models.Index(fields=["case", "kind"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number", "version"], name="uniq_document_number_version"),
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(agreement_action__isnull=False), name="document_has_a_subject"
            ),
            models.CheckConstraint(
                condition=Q(kind="agreement_notice", agreement_action__isnull=False)
                | (~Q(kind="agreement_notice") & Q(case__isnull=False)),
                name="document_kind_matches_subject",
            ),
        ]
        permissions = [
            ("issue_document", "Can issue documents"),
            ("print_document", "Can batch-print documents"),
        ]

    def __str__(self):
        suffix = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.get_kind_display()} {self.number}{suffix}"

    def get_absolute_url(self):
        return self.preview_url

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def _route(self) -> tuple[str, int]:
        if self.agreement_action_id:
            return "enforcement:agreementaction-document", self.agreement_action_id
        return "enforcement:case-document", self.case_id

    @property
    def preview_url(self) -> str:
        name, parent = self._route
        return reverse(f"{name}-preview", args=[parent, self.pk])

    @property
    def download_url(self) -> str:
        name, parent = self._route
        return reverse(f"{name}-download", args=[parent, self.pk])

    @property
    def filename(self) -> str:
        suffix = f"（第{self.version}版）" if self.version > 1 else ""
        return f"{self.number}{suffix}.pdf"


class DocumentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="user_grants")


class DocumentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="group_grants")


class PrintBatch(models.Model):
    """Many issued documents merged into one PDF for printing, built in the background when large."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Building")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    documents = models.ManyToManyField(Document, related_name="+", verbose_name=_("documents"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("documents"), default=0)
    done = models.PositiveIntegerField(_("documents laid out"), default=0)
    file = models.FileField(_("file"), upload_to="print-batches/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PrintBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.total}"

    def get_absolute_url(self):
        return reverse("enforcement:printbatch-detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
