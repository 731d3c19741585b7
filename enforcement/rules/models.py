"""Rules as data: violation codes, penalty rules (Regulation Arts 36–44), discretion bands, thresholds."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import Money


class PenaltyRule(models.Model):
    """One penalty provision of the Regulation (law-reference table B), as editable data."""

    class Subject(models.TextChoices):
        AGENCY = "agency", _("Fund agency")
        INSTITUTION = "institution", _("Designated institution")
        INDIVIDUAL = "individual", _("Individual or insured person")
        HEAD = "head", _("Institution head")
        ANYONE = "anyone", _("Anyone")

    class FineBasis(models.TextChoices):
        NONE = "none", _("No fine")
        MULTIPLE = "multiple", _("Multiple of the amount involved")
        FIXED = "fixed", _("Fixed range in CNY")

    code = models.CharField(_("code"), max_length=10, unique=True)  # R38, R41b …
    article = models.CharField(_("article"), max_length=10)
    title = models.CharField(_("title"), max_length=120)
    subject = models.CharField(_("subject"), max_length=12, choices=Subject.choices)
    return_funds = models.BooleanField(_("funds returned"), default=False)
    fine_basis = models.CharField(_("fine basis"), max_length=8, choices=FineBasis.choices, default=FineBasis.NONE)
    fine_min_multiple = models.DecimalField(
        _("minimum multiple"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    fine_max_multiple = models.DecimalField(
        _("maximum multiple"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    fine_min_amount = Money(_("minimum fine"), null=True, blank=True)
    fine_max_amount = Money(_("maximum fine"), null=True, blank=True)
    suspension_min_months = models.PositiveSmallIntegerField(_("minimum suspension (months)"), default=0)
    suspension_max_months = models.PositiveSmallIntegerField(_("maximum suspension (months)"), default=0)
    confiscation = models.BooleanField(_("confiscation of illegal gains"), default=False)
    ban_years = models.PositiveSmallIntegerField(_("ban (years)"), default=0)
    allows_termination = models.BooleanField(_("may lead to agreement termination"), default=False)
    is_fraud = models.BooleanField(_("fraud provision"), default=False)
    # Orders are not penalties: 责令改正 / 责令退回 stand beside a penalty or a 不予处罚 (Regulation Arts 36–41).
    orders_correction = models.BooleanField(_("orders correction (责令改正)"), default=False)
    warning = models.BooleanField(_("provides a warning (警告)"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("penalty rule")
        verbose_name_plural = _("penalty rules")
        ordering = ["code"]

    def __str__(self):
        return f"《条例》第{self.article}条（{self.title}）"

    def fine_range(self, amount: Decimal | None) -> tuple[Decimal, Decimal] | None:
        """The allowed fine in CNY for the amount involved, or None when the rule has no fine."""
        if self.fine_basis == self.FineBasis.FIXED:
            return self.fine_min_amount, self.fine_max_amount
        if self.fine_basis == self.FineBasis.MULTIPLE:
            if amount is None:
                return None
            return (amount * self.fine_min_multiple).quantize(Decimal("0.01")), (
                amount * self.fine_max_multiple
            ).quantize(Decimal("0.01"))
        return None


# The provinces whose discretion benchmarks (自由裁量基准) are loaded, by the key their bands carry.
PROVINCE_NAMES = {"henan": "河南省", "hubei": "湖北省", "zhejiang": "浙江省", "sichuan": "四川省"}


class DiscretionBand(models.Model):
    """A discretion sub-band of a rule (自由裁量基准), per province (e.g. Henan 2–3× / 3–4× / 4–5×)."""

    rule = models.ForeignKey(PenaltyRule, on_delete=models.CASCADE, related_name="bands", verbose_name=_("rule"))
    province = models.CharField(_("province"), max_length=20, default="default")
    name = models.CharField(_("band"), max_length=20)  # 从轻 / 一般 / 从重
    order = models.PositiveSmallIntegerField(default=0)
    min_multiple = models.DecimalField(_("minimum multiple"), max_digits=5, decimal_places=2, null=True, blank=True)
    max_multiple = models.DecimalField(_("maximum multiple"), max_digits=5, decimal_places=2, null=True, blank=True)
    min_amount = Money(_("minimum fine"), null=True, blank=True)
    max_amount = Money(_("maximum fine"), null=True, blank=True)
    condition = models.CharField(_("when it applies"), max_length=300)

    class Meta:
        verbose_name = _("discretion band")
        verbose_name_plural = _("discretion bands")
        ordering = ["rule", "province", "order"]

    def __str__(self):
        return f"{self.rule} {self.name}"

    @property
    def province_display(self) -> str:
        """The benchmark's issuer in words: “河南省（2022年）” for ``henan-2022``; empty for the default bands."""
        if self.province == "default":
            return ""
        place, _sep, year = self.province.partition("-")
        name = PROVINCE_NAMES.get(place, place)
        return f"{name}（{year}年）" if year.isdigit() else name


class ViolationType(models.Model):
    """A violation code (law-reference §7) and the penalty rule it falls under."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    article = models.CharField(_("article"), max_length=30)
    rule = models.ForeignKey(
        PenaltyRule, null=True, blank=True, on_delete=models.PROTECT, related_name="violations", verbose_name=_("rule")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("violation type")
        verbose_name_plural = _("violation types")
        ordering = ["code"]

    def __str__(self):
        return self.name


class ThresholdsQuerySet(models.QuerySet):
    def current(self, on=None) -> "Thresholds":
        """The thresholds in force on a day (the defaults of domain §5 when none are configured)."""
        on = on or timezone.localdate()
        found = self.filter(effective_from__lte=on).order_by("-effective_from").first()
        return found or Thresholds()


class Thresholds(models.Model):
    """Gates of domain §5: hearing right, legal review, collective discussion, simple procedure.

    Versioned by the day they take effect; administrators add a new row rather than editing history.
    """

    effective_from = models.DateField(_("effective from"), unique=True)
    hearing_fine_org = Money(_("hearing right: fine for an organisation ≥"), default=Decimal("100000"))
    hearing_fine_person = Money(_("hearing right: fine for a person ≥"), default=Decimal("5000"))
    legal_review_org = Money(_("legal review: returned funds + fine for an organisation ≥"), default=Decimal("100000"))
    legal_review_person = Money(_("legal review: returned funds + fine for a person ≥"), default=Decimal("5000"))
    collective_fine = Money(_("collective discussion: fine ≥"), default=Decimal("500000"))
    simple_fine_person = Money(_("simple procedure: fine for a person ≤"), default=Decimal("200"))
    simple_fine_org = Money(_("simple procedure: fine for an organisation ≤"), default=Decimal("3000"))
    note = models.CharField(_("source"), max_length=200, blank=True)

    objects = ThresholdsQuerySet.as_manager()

    class Meta:
        verbose_name = _("thresholds")
        verbose_name_plural = _("thresholds")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from or '—'}"

    def clean(self):
        if self.simple_fine_org >= self.hearing_fine_org:
            raise ValidationError(_("The simple-procedure limit must be below the hearing threshold."))
