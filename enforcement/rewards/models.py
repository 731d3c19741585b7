"""Whistleblower rewards (举报奖励) and the public disclosure register (执法公示) (domain §3, §8)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import Money
from portal.scoping import ScopedQuerySet
from supervision.org.models import ScopedModel


class Reward(ScopedModel):
    """A reward for a verified public report that led to recovered funds: computed, checked, approved by the
    chief, then claimed by the reporter within the claim period (2 months by default) or deemed waived."""

    class Tier(models.TextChoices):
        L1 = "1", _("Level 1: detailed evidence, direct help")
        L2 = "2", _("Level 2: evidence, some help")
        L3 = "3", _("Level 3: no direct help")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved, reporter notified")
        REJECTED = "rejected", _("Rejected")
        CLAIMED = "claimed", _("Claimed")
        WAIVED = "waived", _("Not claimed in time (waived)")

    report = models.ForeignKey(
        "supervision.Report", on_delete=models.PROTECT, related_name="rewards", verbose_name=_("report")
    )
    case = models.ForeignKey(
        "enforcement.Case", on_delete=models.PROTECT, related_name="rewards", verbose_name=_("case")
    )
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices)
    case_value = Money(_("case value (recovered funds)"))
    rate = models.DecimalField(_("rate"), max_digits=6, decimal_places=4)
    floor = Money(_("floor"))
    cap = Money(_("cap"))
    amount = Money(_("reward"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    # Eligibility as checked when proposed (law-reference §5); kept so the approval can be reviewed.
    checks = models.JSONField(_("eligibility checks"), default=dict)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("decided by"),
    )  # fmt: skip
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    claim_due = models.DateField(_("claim due"), null=True, blank=True)
    claimed_on = models.DateField(_("claimed on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "case"],
                condition=~models.Q(state="rejected"),
                name="one_live_reward_per_report_case",
            )
        ]
        permissions = [
            ("approve_reward", "Can approve rewards"),
            ("pay_reward", "Can record reward claims"),
        ]

    def __str__(self):
        return f"{self.case.number} · {self.amount}"

    def get_absolute_url(self):
        return reverse("enforcement:reward-detail", args=[self.pk])


ZERO = Decimal("0")
