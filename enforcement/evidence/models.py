"""Evidence (证据) on cases, the advance registration and preservation of evidence (先行登记保存) and sealing
(封存) records. Evidence files are kept the portal's one way (``portal.evidence``): SHA-256, name, type, size."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.evidence.querysets import CaseRecordQuerySet
from portal.evidence import EvidenceFile, digest


class Evidence(EvidenceFile):
    """A piece of evidence with its SHA-256; immutable once the case is decided (corrections are versions)."""

    class Kind(models.TextChoices):
        DOCUMENTARY = "documentary", _("Documentary evidence")
        PHYSICAL = "physical", _("Physical evidence")
        AUDIOVISUAL = "audiovisual", _("Audio-visual material")
        ELECTRONIC = "electronic", _("Electronic data")
        WITNESS = "witness", _("Witness testimony")
        STATEMENT = "statement", _("Party's statement")
        EXPERT_OPINION = "expert_opinion", _("Expert opinion")
        INSPECTION_RECORD = "inspection_record", _("Inspection or on-site record")

    case = models.ForeignKey("enforcement.Case", on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=200, blank=True)
    proves = models.TextField(_("what it proves"), blank=True)
    collected_on = models.DateField(_("collected on"))
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("collected by")
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.title

    digest = staticmethod(digest)

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "superseded_by")


class ItemsRecord(models.Model):
    """What a preservation and a sealing both record: the items, where they are, why; scoped by their case."""

    case = models.ForeignKey(
        "enforcement.Case", on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("case")
    )
    items = models.TextField(_("items"))
    place = models.CharField(_("place"), max_length=200)
    reason = models.TextField(_("reason"))

    objects = CaseRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.case_id} · {self.items[:40]}"

    @property
    def jurisdiction(self):
        """The case's unit: who may act on the record is answered for the case's jurisdiction."""
        return self.case.jurisdiction


class Preservation(ItemsRecord):
    """先行登记保存: an officer asks, the head approves, and the preserved items are decided on within 7 working
    days of the preservation (APL Arts 56, 85)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Awaiting the head's approval")
        PRESERVED = "preserved", _("Preserved (decision due)")
        REJECTED = "rejected", pgettext_lazy("preservation state", "Not approved")
        DECIDED = "decided", _("Dealt with")

    class Outcome(models.TextChoices):
        RETURN = "return", _("Return to the party (preservation lifted)")
        SEAL = "seal", _("Seal (封存)")
        APPRAISE = "appraise", _("Send for testing or appraisal")
        CONFISCATE = "confiscate", _("Confiscate according to law")
        TRANSFER = "transfer", _("Transfer to the competent authority")

    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("approved by"),
    )  # fmt: skip
    approval_comment = models.CharField(_("head's comment"), max_length=300, blank=True)
    preserved_on = models.DateField(_("preserved on"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=12, choices=Outcome.choices, blank=True)
    decision_note = models.TextField(_("decision details"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("evidence preservation")
        verbose_name_plural = _("evidence preservations")
        ordering = ["requested_at", "pk"]

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == self.State.PRESERVED and self.decision_due is not None and today > self.decision_due


class Sealing(ItemsRecord):
    """A sealing (封存) of items with its record, and its lifting (解除封存) with date, reason and who."""

    class State(models.TextChoices):
        SEALED = "sealed", _("Sealed")
        LIFTED = "lifted", _("Sealing lifted")

    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.SEALED)
    sealed_on = models.DateField(_("sealed on"))
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sealed by")
    )
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("lifted by"),
    )  # fmt: skip
    preservation = models.ForeignKey(
        Preservation, null=True, blank=True, on_delete=models.PROTECT, related_name="sealings",
        verbose_name=_("from the preservation"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("sealing")
        verbose_name_plural = _("sealings")
        ordering = ["sealed_on", "pk"]
