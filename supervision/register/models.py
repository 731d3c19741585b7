"""Organisation, people, institutions, agreements, the audit trail and per-object grants."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from supervision.org.models import OrgUnit, ScopedModel
from supervision.register.querysets import AgreementQuerySet, InstitutionQuerySet


class Institution(ScopedModel):
    """A designated medical institution or retail pharmacy (定点医药机构)."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital")
        PRIMARY = "primary", _("Primary care")
        VILLAGE_CLINIC = "village_clinic", _("Village clinic")
        PHARMACY = "pharmacy", _("Retail pharmacy")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        LEVEL_1 = "1", _("Level 1")
        LEVEL_2 = "2", _("Level 2")
        LEVEL_3 = "3", _("Level 3")

    code = models.CharField(
        _("national institution code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][0-9A-Z]{6,19}$", _("Use the national code, e.g. H33010200001."))],
    )
    name = models.CharField(_("name"), max_length=120, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("hospital level"), max_length=1, choices=Level.choices, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[
            RegexValidator(
                r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
                _("A unified social credit code has 18 characters."),
            )
        ],
    )
    legal_representative = models.CharField(_("legal representative"), max_length=60)
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_public = models.BooleanField(_("public institution"), default=False)
    # Written only by the credit rating service (issue 7); empty until a rating exists.
    credit_grade = models.CharField(_("credit grade"), max_length=1, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("designated institution")
        verbose_name_plural = _("designated institutions")
        ordering = ["code"]
        indexes = [models.Index(fields=["jurisdiction", "code"])]
        permissions = [("export_institution", "Can export institutions")]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def get_absolute_url(self):
        return reverse("supervision:institution-detail", args=[self.pk])

    def clean(self):
        if self.kind == self.Kind.HOSPITAL and not self.level:
            raise ValidationError({"level": _("A hospital needs its level.")})
        if self.kind != self.Kind.HOSPITAL and self.level:
            raise ValidationError({"level": _("Only hospitals have a level.")})
        if self.jurisdiction_id and self.jurisdiction.kind != OrgUnit.Kind.BRANCH:
            raise ValidationError({"jurisdiction": _("An institution lies in a county branch's jurisdiction.")})

    @property
    def current_agreement(self):
        """The agreement in force or most recent (uses the prefetch when the caller made one)."""
        agreements = sorted(self.agreements.all(), key=lambda a: a.valid_from, reverse=True)
        return agreements[0] if agreements else None


class Agreement(ScopedModel):
    """A service agreement (服务协议) between the fund centre and an institution."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")
        EXPIRED = "expired", _("Expired")

    number = models.CharField(_("agreement number"), max_length=40, unique=True)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("institution"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("service agreement")
        verbose_name_plural = _("service agreements")
        ordering = ["-valid_from", "number"]
        indexes = [models.Index(fields=["institution", "-valid_from"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_to__gt=models.F("valid_from")), name="agreement_period"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("supervision:agreement-detail", args=[self.pk])

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValidationError({"valid_to": _("The end date must be after the start date.")})


class AgreementStatusChange(models.Model):
    """One dated change of an agreement's status and what caused it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="history")
    effective_on = models.DateField(_("effective on"))
    from_status = models.CharField(_("from"), max_length=12, choices=Agreement.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=Agreement.Status.choices)
    reason = models.CharField(_("reason"), max_length=300)
    cause = models.CharField(_("caused by"), max_length=120, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agreement status change")
        verbose_name_plural = _("agreement status changes")
        ordering = ["agreement", "at", "pk"]

    def __str__(self):
        return f"{self.agreement} {self.from_status}→{self.to_status} {self.effective_on}"

    def get_cause_display(self) -> str:
        """What caused the change, in words: ``cause`` is the code of the process that wrote it."""
        if self.cause.startswith("agreement-action:"):
            return str(_("an agreement action"))
        return str(CAUSES.get(self.cause, self.cause))


# The processes that change an agreement's status (AgreementStatusChange.cause), by name.
CAUSES = {
    "refresh_agreements": _("the daily expiry check"),
    "seed_demo": _("demo data"),
}


# Direct foreign-key grant tables (guardian): the generic tables cast ids to text and degrade with size.
class InstitutionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="user_grants")


class InstitutionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="group_grants")


class AgreementUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="user_grants")


class AgreementGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="group_grants")
