"""Investigation records (调查笔录与通知): structured forms that print as the standard documents of a case file."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.documents.models import DocumentKind
from enforcement.records.querysets import RecordQuerySet


class RecordKind(models.TextChoices):
    """The record kinds; each value is the DocumentKind it prints as."""

    INQUIRY_NOTICE = DocumentKind.INQUIRY_NOTICE.value, DocumentKind.INQUIRY_NOTICE.label
    INQUIRY_RECORD = DocumentKind.INQUIRY_RECORD.value, DocumentKind.INQUIRY_RECORD.label
    SITE_INSPECTION_RECORD = DocumentKind.SITE_INSPECTION_RECORD.value, DocumentKind.SITE_INSPECTION_RECORD.label
    EVIDENCE_REQUEST = DocumentKind.EVIDENCE_REQUEST.value, DocumentKind.EVIDENCE_REQUEST.label
    ASSISTANCE_LETTER = DocumentKind.ASSISTANCE_LETTER.value, DocumentKind.ASSISTANCE_LETTER.label


class Relation(models.TextChoices):
    """How the person questioned (or present) stands to the party."""

    PARTY = "party", _("The party in person")
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    REPRESENTATIVE = "representative", _("Authorised representative of the party")
    EMPLOYEE = "employee", _("Employee of the party")
    WITNESS = "witness", _("Witness")
    OTHER = "other", _("Other")


# Those who speak for the party: what they say is the party's statement (当事人陈述), anyone else's a testimony.
SPEAKS_FOR_PARTY = frozenset({Relation.PARTY, Relation.LEGAL_REPRESENTATIVE, Relation.REPRESENTATIVE})


class InvestigationRecord(models.Model):
    """One inquiry notice, inquiry record, on-site record, evidence request or assistance letter of a case."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Finalised")
        ATTACHED = "attached", _("Filed as evidence")

    Kind = RecordKind

    case = models.ForeignKey("enforcement.Case", on_delete=models.PROTECT, related_name="records")
    kind = models.CharField(_("kind"), max_length=40, choices=RecordKind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    # The person questioned, summoned, or present for the party.
    person_name = models.CharField(_("person's name"), max_length=60, blank=True)
    person_id_number = models.CharField(_("ID number"), max_length=30, blank=True)
    person_employer = models.CharField(_("employer"), max_length=120, blank=True)
    person_post = models.CharField(_("post"), max_length=60, blank=True)
    person_relation = models.CharField(_("relation to the party"), max_length=24, choices=Relation.choices, blank=True)
    person_phone = models.CharField(_("phone"), max_length=30, blank=True)
    person_address = models.CharField(_("address"), max_length=200, blank=True)
    # The addressee of a request or letter (an institution, another authority).
    recipient = models.CharField(_("addressed to"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("time (from)"), null=True, blank=True)
    ends_at = models.DateTimeField(_("time (until)"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    officer1 = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("officer"),
    )  # fmt: skip
    officer2 = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("second officer"),
    )  # fmt: skip
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("recorder"),
    )  # fmt: skip
    matter = models.TextField(_("matters concerned"), blank=True)
    to_bring = models.TextField(_("materials to bring"), blank=True)
    findings = models.TextField(_("what was found"), blank=True)
    witness = models.CharField(_("witness"), max_length=120, blank=True)
    due_on = models.DateField(_("time limit"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=120, blank=True)

    document = models.OneToOneField(
        "enforcement.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="investigation_record"
    )
    evidence = models.OneToOneField(
        "enforcement.Evidence", null=True, blank=True, on_delete=models.PROTECT, related_name="investigation_record"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation record")
        verbose_name_plural = _("investigation records")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"])]
        permissions = [("write_investigationrecord", "Can write investigation records")]

    def __str__(self):
        who = self.person_name or self.recipient
        return f"{self.get_kind_display()} {who}".strip()

    def get_absolute_url(self):
        return reverse("enforcement:record-detail", args=[self.pk])

    @property
    def jurisdiction(self):
        """The case's: the permission backend checks a record where its case lies."""
        return self.case.jurisdiction

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT


class RecordAnswer(models.Model):
    """One question and its answer in an inquiry record, in the order they were asked."""

    record = models.ForeignKey(InvestigationRecord, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField(_("order"))
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.position}. {self.question[:40]}"
