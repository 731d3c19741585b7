"""Credit evaluation (信用评价, domain §7): schemes as data, events linked to their sources, yearly ratings,
credit repair, fund settlement amounts (the 5‰ veto) and indicator-based assessments (医共体考核)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.scoping import ScopedQuerySet
from supervision.org.models import ScopedModel
from supervision.register.models import Institution


def Points(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=7, decimal_places=2, **kwargs)


class CreditSchemeQuerySet(models.QuerySet):
    def for_year(self, year: int) -> "CreditScheme | None":
        """The scheme in force for ``year``: the latest version from that year or before (else the earliest)."""
        found = self.filter(year__lte=year).order_by("-year").first()
        return found or self.order_by("year").first()


class CreditScheme(models.Model):
    """A version of the points scheme, in force from its year until a later version (administrators add one)."""

    year = models.PositiveSmallIntegerField(_("in force from year"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    start_points = Points(_("start points"), default=Decimal("100"))
    grade_a = Points(_("grade A from"), default=Decimal("90"))
    grade_b = Points(_("grade B from"), default=Decimal("80"))
    grade_c = Points(_("grade C from"), default=Decimal("70"))
    grade_d = Points(_("grade D from"), default=Decimal("60"))
    note = models.CharField(_("source"), max_length=200, blank=True)

    objects = CreditSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit scheme")
        verbose_name_plural = _("credit schemes")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} {self.name}"

    def clean(self):
        if not (self.grade_a > self.grade_b > self.grade_c > self.grade_d):
            raise ValidationError(_("The grade thresholds must fall from A to D."))

    def bands(self) -> list[tuple[str, Decimal]]:
        return [("A", self.grade_a), ("B", self.grade_b), ("C", self.grade_c), ("D", self.grade_d)]

    def grade_for(self, score: Decimal) -> str:
        for grade, threshold in self.bands():
            if score >= threshold:
                return grade
        return "E"


class CreditItem(models.Model):
    """One line of a scheme: what triggers it, its points per occurrence and the cap for the year."""

    class Kind(models.TextChoices):
        DEDUCTION = "deduction", _("Deduction")
        BONUS = "bonus", _("Bonus")
        VETO = "veto", _("Veto (grade E)")
        REPAIR = "repair", _("Credit repair")

    class Trigger(models.TextChoices):
        # Outcomes reported by enforcement (enforcement.extensions) and the credit app's own records.
        AA_INTERVIEW = "agreement_action:interview", _("Agreement action: interview")
        AA_RECTIFY = "agreement_action:rectify", _("Agreement action: rectification")
        AA_REFUSE_PAYMENT = "agreement_action:refuse_payment", _("Agreement action: refused payment")
        AA_RECOVER = "agreement_action:recover", _("Agreement action: recovery")
        AA_DAMAGES = "agreement_action:liquidated_damages", _("Agreement action: liquidated damages")
        AA_SUSPEND = "agreement_action:suspend", _("Agreement action: suspension")
        AA_TERMINATE = "agreement_action:terminate", _("Agreement action: termination")
        PENALTY_ART38 = "penalty:38", _("Decided penalty under Art. 38")
        PENALTY_ART39 = "penalty:39", _("Decided penalty under Art. 39")
        PENALTY_FRAUD = "penalty:fraud", _("Decided penalty for fraud (Art. 40)")
        PENALTY_SUSPENSION = "penalty:suspension", _("Decided department service suspension")
        POLICE_TRANSFER = "case:transfer_police", _("Case transferred to the police")
        SELF_CORRECTION = "self_correction", _("Voluntary self-correction")
        SETTLEMENT_RATIO = "settlement_ratio", _("Violations ≥ the share of the year's fund settlement")
        REPAIR = "repair", _("Approved credit repair")

    scheme = models.ForeignKey(CreditScheme, on_delete=models.CASCADE, related_name="items", verbose_name=_("scheme"))
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    trigger = models.CharField(_("trigger"), max_length=40, choices=Trigger.choices)
    # Deductions and bonuses: points per occurrence (positive; a deduction subtracts them). For the settlement
    # veto: the share in per mille (5 = 5‰).
    points = Points(_("points"), default=Decimal("0"))
    cap = Points(_("cap for the year"), null=True, blank=True, help_text=_("Empty: no cap."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("credit scheme item")
        verbose_name_plural = _("credit scheme items")
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="credit_item_code_unique"),
            models.UniqueConstraint(fields=["scheme", "trigger"], name="credit_item_trigger_unique"),
        ]

    def __str__(self):
        return self.label

    @property
    def signed_points(self) -> Decimal:
        return -self.points if self.kind == self.Kind.DEDUCTION else self.points


class CreditEvent(ScopedModel):
    """One point change (or veto) for an institution and year, linked to its source record. Append-only: a
    revoked source is answered by a compensating event (``reverses``), never by a delete."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="credit_events", verbose_name=_("institution")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    occurred_on = models.DateField(_("occurred on"))
    trigger = models.CharField(_("trigger"), max_length=40, choices=CreditItem.Trigger.choices)
    label = models.CharField(_("item"), max_length=120)
    points = Points(_("points"), default=Decimal("0"))
    is_veto = models.BooleanField(_("veto"), default=False)
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    source_id = models.PositiveBigIntegerField()
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("source"), max_length=200)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by", verbose_name=_("reverses")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["institution", "year", "occurred_on", "pk"]
        indexes = [
            models.Index(fields=["institution", "year"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self):
        return f"{self.institution.name} {self.year} {self.label} {self.points:+}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValidationError(_("Credit events are never changed: record a compensating event."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Credit events are never deleted: record a compensating event."))


class CreditRatingQuerySet(ScopedQuerySet):
    def public_grade_e(self, year: int):
        return self.filter(year=year, grade="E")


class CreditRating(ScopedModel):
    """The computed rating of an institution for a year: score, grade and, when vetoed, the reason."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="credit_ratings", verbose_name=_("institution")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    scheme = models.ForeignKey(CreditScheme, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme"))
    score = Points(_("score"))
    grade = models.CharField(_("grade"), max_length=1)
    veto_reason = models.CharField(_("veto reason"), max_length=500, blank=True)
    # The arithmetic item by item, as computed (credit.rating.compute): shown on the detail page.
    breakdown = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = CreditRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit rating")
        verbose_name_plural = _("credit ratings")
        ordering = ["-year", "institution__code"]
        constraints = [models.UniqueConstraint(fields=["institution", "year"], name="credit_rating_unique")]
        indexes = [models.Index(fields=["year", "grade"]), models.Index(fields=["jurisdiction", "year"])]
        permissions = [("export_creditrating", "Can export credit ratings")]

    def __str__(self):
        return f"{self.institution.name} {self.year} {self.grade}"

    def get_absolute_url(self):
        return reverse("credit:rating-detail", args=[self.pk])


class SettlementAmount(ScopedModel):
    """An institution's basic medical insurance fund settlement for a year (imported): the 5‰ veto's base."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="settlement_amounts", verbose_name=_("institution")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("fund settlement amount"), max_digits=14, decimal_places=2)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund settlement amount")
        verbose_name_plural = _("fund settlement amounts")
        ordering = ["-year", "institution__code"]
        constraints = [models.UniqueConstraint(fields=["institution", "year"], name="credit_settlement_unique")]

    def __str__(self):
        return f"{self.institution.name} {self.year} {self.amount}"


class RepairApplication(ScopedModel):
    """A credit repair application (信用修复): reasons and evidence, approved or refused by the chief."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="repair_applications", verbose_name=_("institution")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    reasons = models.TextField(_("reasons"))
    evidence = models.FileField(_("evidence"), upload_to="credit/repair/%Y/", blank=True)
    evidence_description = models.CharField(_("evidence description"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit repair application")
        verbose_name_plural = _("credit repair applications")
        ordering = ["-submitted_at", "-pk"]
        permissions = [("decide_repairapplication", "Can approve or refuse credit repair")]

    def __str__(self):
        return f"{self.institution.name} {self.year} {self.get_state_display()}"

    def get_absolute_url(self):
        return reverse("credit:repair-detail", args=[self.pk])


class AssessmentPreset(models.Model):
    """An indicator-based assessment scheme for a year (e.g. 医共体医保管理改革考核), as data.

    ``definition`` holds the items, bonus items, veto, bands and consequences; ``credit.assessment``
    validates and scores it (see its docstring for the format)."""

    key = models.SlugField(_("preset"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=120)
    definition = models.JSONField(_("definition"))
    note = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assessment preset")
        verbose_name_plural = _("assessment presets")
        ordering = ["key", "-year"]
        constraints = [models.UniqueConstraint(fields=["key", "year"], name="credit_preset_unique")]

    def __str__(self):
        return f"{self.name}（{self.year}）"

    def clean(self):
        from credit.assessment import check_definition

        check_definition(self.definition)


class Assessment(ScopedModel):
    """The values entered for one medical community and year, and the result computed from them."""

    preset = models.ForeignKey(AssessmentPreset, on_delete=models.PROTECT, related_name="+", verbose_name=_("preset"))
    community = models.CharField(_("medical community"), max_length=120)
    lead_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead institution")
    )
    values = models.JSONField(_("indicator values"), default=dict)
    bonus = models.JSONField(_("bonus items"), default=list, blank=True)
    veto = models.BooleanField(_("major violation in the year (veto)"), default=False)
    veto_note = models.CharField(_("veto note"), max_length=300, blank=True)
    score = Points(_("score"), default=Decimal("0"))
    band = models.CharField(_("band"), max_length=20, blank=True)
    result = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-preset__year", "community"]
        constraints = [models.UniqueConstraint(fields=["preset", "community"], name="credit_assessment_unique")]

    def __str__(self):
        return f"{self.community} {self.preset.year}"

    def audit_display(self, key, value):
        """The history's text of a recorded value, in the preset's words: indicator values under their
        labels, bonus items and the band by their labels (None: the history's usual rendering)."""
        definition = self.preset.definition or {}
        if key == "values" and isinstance(value, dict):
            labels = definition.get("value_labels", {})
            return "；".join(f"{labels.get(k, k)}：{v}" for k, v in value.items())
        if key == "bonus" and isinstance(value, list):
            labels = {item["key"]: item["label"] for item in definition.get("bonus", [])}
            return "、".join(str(labels.get(v, v)) for v in value) or "—"
        if key == "band" and isinstance(value, str):
            labels = {band["key"]: band["label"] for band in definition.get("bands", [])}
            return labels.get(value, value)
        return None

    def get_absolute_url(self):
        return reverse("credit:assessment-detail", args=[self.pk])
