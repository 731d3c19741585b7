"""Whistleblower rewards (举报奖励) and the public disclosure register (执法公示) (domain §3, §8)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.models.base import Money
from supervision.models import ScopedModel
from supervision.querysets import ScopedQuerySet


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


class Disclosure(ScopedModel):
    """One entry of the public disclosure pages: a decided penalty case or a terminated agreement.

    The public text is a snapshot written at publication with personal data masked; pages mask it again
    when they render. A withdrawn entry (e.g. the decision was revoked) disappears from the pages.
    """

    class Kind(models.TextChoices):
        PENALTY = "penalty", _("Administrative penalty decision")
        TERMINATION = "termination", _("Agreement terminated")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    case = models.OneToOneField(
        "enforcement.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="disclosure"
    )
    agreement = models.OneToOneField(
        "supervision.Agreement", null=True, blank=True, on_delete=models.PROTECT, related_name="disclosure"
    )
    agreement_action = models.ForeignKey(
        "enforcement.AgreementAction", null=True, blank=True, on_delete=models.PROTECT, related_name="disclosures"
    )
    title = models.CharField(_("title"), max_length=200)
    party = models.CharField(_("party"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    violations = models.TextField(_("violations"), blank=True)
    facts = models.TextField(_("facts"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    decided_on = models.DateField(_("decided on"))
    publish_due = models.DateField(_("to be published by"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("public disclosure")
        verbose_name_plural = _("public disclosures")
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["kind", "-decided_on"], condition=models.Q(withdrawn_at__isnull=True),
                                name="disclosure_live_idx")]  # fmt: skip

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("public:case-detail", args=[self.pk])


ZERO = Decimal("0")
