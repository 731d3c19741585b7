"""The recovery ledger (追回与退回, domain §10): money owed to and returned to the fund, whatever the route."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.fields import Money
from portal.scoping import ScopedQuerySet
from supervision.org.models import ScopedModel
from supervision.register.models import Institution

__all__ = ["FUND_ROUTES", "RecoveryEntry"]


class RecoveryEntryQuerySet(ScopedQuerySet):
    """Ledger entries; named filters chain after visible_to(user)."""

    def obligations(self) -> "RecoveryEntryQuerySet":
        return self.filter(entry=RecoveryEntry.Entry.OBLIGATION)

    def settlements(self) -> "RecoveryEntryQuerySet":
        """What reduces an obligation: payments, offsets and cancellations."""
        return self.exclude(entry=RecoveryEntry.Entry.OBLIGATION)


class RecoveryEntry(ScopedModel):
    """One line of the ledger: an obligation (应收) or what settles one (缴款/退回, 抵扣, 撤销核销)."""

    class Entry(models.TextChoices):
        OBLIGATION = "obligation", _("Amount owed")
        PAYMENT = "payment", pgettext_lazy("ledger entry", "Payment")
        OFFSET = "offset", _("Offset against settlement")
        CANCELLATION = "cancellation", _("Cancelled or written off")

    class Route(models.TextChoices):
        RETURN_ORDER = "return_order", _("Order to return funds")
        FINE = "fine", pgettext_lazy("ledger route", "Fine")
        CONFISCATION = "confiscation", pgettext_lazy("ledger route", "Confiscation")
        SURCHARGE = "surcharge", _("Late-payment surcharge")
        LIQUIDATED_DAMAGES = "liquidated_damages", _("Liquidated damages under the agreement")
        REFUSE_PAYMENT = "refuse_payment", _("Refused payment (agreement)")
        RECOVER = "recover", _("Recovery (agreement)")
        SELF_RETURN = "self_return", _("Self-inspection return")
        REVIEW_REFUSAL = "review_refusal", _("Refusal on review")
        COURT_RECOVERY = "court_recovery", _("Court-assisted recovery")

    entry = models.CharField(_("entry"), max_length=12, choices=Entry.choices)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices)
    amount = Money(_("amount (CNY)"))
    on = models.DateField(_("date"))
    # A settlement reduces one obligation; an obligation has none.
    obligation = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settlements",
        verbose_name=_("obligation settled"),
    )
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    party_name = models.CharField(_("party"), max_length=120, blank=True)
    # The source record: a case, an agreement action, a case payment, an inspection (self-inspection), a lead.
    case = models.ForeignKey(
        "enforcement.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("case"),
    )
    agreement_action = models.ForeignKey(
        "enforcement.AgreementAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=_("agreement action"),
    )
    payment = models.OneToOneField(
        "enforcement.Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entry",
        verbose_name=_("case payment"),
    )
    inspection = models.ForeignKey(
        "supervision.Inspection",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("inspection"),
    )
    lead = models.ForeignKey(
        "supervision.Lead", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead")
    )
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = RecoveryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("recovery ledger entry")
        verbose_name_plural = _("recovery ledger")
        ordering = ["-on", "-pk"]
        indexes = [
            models.Index(fields=["jurisdiction", "-on"], name="ledger_jur_on_idx"),
            models.Index(fields=["entry", "route", "on"], name="ledger_entry_route_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=Q(entry="obligation", obligation__isnull=True)
                | (~Q(entry="obligation") & Q(obligation__isnull=False)),
                name="ledger_settlement_has_obligation",
            ),
        ]
        permissions = [("export_recoveryentry", "Can export the recovery ledger")]

    def __str__(self):
        return f"{self.get_route_display()} · {self.get_entry_display()} {self.amount}"

    def get_absolute_url(self):
        return reverse("enforcement:recovery-detail", args=[self.pk])

    @property
    def party_display(self) -> str:
        return self.institution.name if self.institution_id else self.party_name

    @property
    def source(self):
        """The record the entry came from (for the link on the ledger page)."""
        return self.case or self.agreement_action or self.inspection or self.lead

    @property
    def is_fund_route(self) -> bool:
        return self.route in FUND_ROUTES


# Money that goes back to the medical-insurance fund; fines, confiscations and surcharges go to the treasury.
FUND_ROUTES = frozenset(
    {
        RecoveryEntry.Route.RETURN_ORDER,
        RecoveryEntry.Route.LIQUIDATED_DAMAGES,
        RecoveryEntry.Route.REFUSE_PAYMENT,
        RecoveryEntry.Route.RECOVER,
        RecoveryEntry.Route.SELF_RETURN,
        RecoveryEntry.Route.REVIEW_REFUSAL,
        RecoveryEntry.Route.COURT_RECOVERY,
    }
)
ZERO = Decimal("0")
