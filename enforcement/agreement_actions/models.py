"""Agreement actions (协议处理): contract measures by the fund centre, separate from penalties."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.fields import Money
from portal.scoping import ScopedQuerySet
from supervision.org.models import ScopedModel
from supervision.register.models import Agreement, Institution


class AgreementAction(ScopedModel):
    """A proposed, approved and applied agreement measure against an institution."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Interview (约谈)")
        RECTIFY = "rectify", _("Rectification within a deadline")
        REFUSE_PAYMENT = "refuse_payment", _("Refuse payment")
        RECOVER = "recover", _("Recover funds")
        LIQUIDATED_DAMAGES = "liquidated_damages", _("Liquidated damages")
        SUSPEND = "suspend", _("Suspend the agreement")
        TERMINATE = "terminate", _("Terminate the agreement")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        CHIEF_APPROVED = "chief_approved", _("Approved by the chief (awaiting the director)")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        APPLIED = "applied", _("Applied")
        ENDED = "ended", _("Ended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="agreement_actions", verbose_name=_("institution")
    )
    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="actions", verbose_name=_("agreement")
    )
    case = models.ForeignKey(
        "enforcement.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement_actions",
        verbose_name=_("related case"),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.PROPOSED)
    grounds = models.TextField(_("grounds"))
    # A termination names its ground from the data list (Order No.2 Art 43) and the evidence that ground needs.
    termination_ground = models.ForeignKey(
        "enforcement.TerminationGround",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("termination ground"),
    )
    evidence = models.CharField(_("evidence for the ground"), max_length=300, blank=True)
    amount = Money(_("amount"), default=Decimal("0"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    chief_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by the chief"),
    )
    director_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by the director"),
    )
    decided_comment = models.TextField(_("approval comment"), blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreement action")
        verbose_name_plural = _("agreement actions")
        ordering = ["-proposed_at", "-pk"]
        permissions = [
            ("approve_agreementaction", "Can approve agreement actions"),
            ("apply_agreementaction", "Can apply agreement actions"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.institution.name}"

    def get_absolute_url(self):
        return reverse("enforcement:agreementaction-detail", args=[self.pk])

    def clean(self):
        if self.kind == self.Kind.SUSPEND:
            if not self.starts_on or not self.ends_on:
                raise ValidationError({"ends_on": _("A suspension needs a start and an end date.")})
            if self.ends_on <= self.starts_on:
                raise ValidationError({"ends_on": _("The suspension must end after it starts.")})
        if self.kind == self.Kind.TERMINATE and not self.starts_on:
            raise ValidationError({"starts_on": _("A termination needs its effective date.")})
        if self.kind in (self.Kind.RECOVER, self.Kind.LIQUIDATED_DAMAGES, self.Kind.REFUSE_PAYMENT):
            if not self.amount or self.amount <= 0:
                raise ValidationError({"amount": _("Give the amount.")})
        if self.agreement_id and self.institution_id and self.agreement.institution_id != self.institution_id:
            raise ValidationError({"agreement": _("The agreement belongs to another institution.")})

    @property
    def needs_director(self) -> bool:
        return self.kind == self.Kind.TERMINATE


class AgreementActionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AgreementAction, on_delete=models.CASCADE, related_name="user_grants")


class AgreementActionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AgreementAction, on_delete=models.CASCADE, related_name="group_grants")
