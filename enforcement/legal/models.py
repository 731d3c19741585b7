"""Legal-fidelity records of a case (issue 14): the procedure's configurable numbers (versioned), periods that
pause a clock (中止, hearing, public-notice service, appraisal; reconsideration and litigation for the
surcharge), the transfer of a suspected crime to the police, the fine's payment plan, and the grounds for
terminating a service agreement.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import Money

__all__ = [
    "CasePause",
    "PaymentInstalment",
    "PaymentPlan",
    "PoliceTransfer",
    "ProcedureRules",
    "TerminationGround",
]


class ProcedureRulesQuerySet(models.QuerySet):
    def current(self, on=None) -> "ProcedureRules":
        """The rules in force on a day (the statutory defaults when none are configured)."""
        on = on or timezone.localdate()
        found = self.filter(effective_from__lte=on).order_by("-effective_from").first()
        return found or ProcedureRules()


class ProcedureRules(models.Model):
    """The procedure's numbers that are law or local configuration, versioned by the day they take effect.

    Administrators add a new row rather than editing history (like Thresholds).
    """

    effective_from = models.DateField(_("effective from"), unique=True)
    limitation_years = models.PositiveSmallIntegerField(_("limitation period (years) — APL Art 36"), default=2)
    limitation_years_extended = models.PositiveSmallIntegerField(
        _("limitation period where life, health or financial security is harmed (years) — APL Art 36"), default=5
    )
    further_extension_max_days = models.PositiveSmallIntegerField(
        _("further extensions of the decision period after the first, in total at most (days)"), default=60
    )
    transfer_approval_days = models.PositiveSmallIntegerField(
        _("transfer to the police: approval within (days) — State Council transfer regulation Art 5"), default=3
    )
    transfer_handover_hours = models.PositiveSmallIntegerField(
        _("transfer to the police: hand-over after approval within (hours) — Art 8"), default=24
    )
    note = models.CharField(_("source"), max_length=200, blank=True)

    objects = ProcedureRulesQuerySet.as_manager()

    class Meta:
        app_label = "enforcement"
        verbose_name = _("procedure rules")
        verbose_name_plural = _("procedure rules")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.effective_from or '—'}"


class CasePause(models.Model):
    """A period that stops a clock: the case's decision clock (中止, hearing, public notice, appraisal) or the
    late-payment surcharge (reconsideration or litigation pending, APL Art 73). The clock does not run on the
    days from ``started_on`` up to the day before ``ended_on``; an open period has no end yet."""

    class Kind(models.TextChoices):
        SUSPENSION = "suspension", _("Case suspended (中止)")
        HEARING = "hearing", _("Hearing")
        PUBLIC_NOTICE = "public_notice", _("Service by public notice")
        APPRAISAL = "appraisal", _("Testing, inspection, quarantine or appraisal")
        RECONSIDERATION = "reconsideration", _("Administrative reconsideration pending")
        LITIGATION = "litigation", _("Administrative litigation pending")

    DECISION_CLOCK = frozenset({Kind.SUSPENSION, Kind.HEARING, Kind.PUBLIC_NOTICE, Kind.APPRAISAL})
    SURCHARGE = frozenset({Kind.RECONSIDERATION, Kind.LITIGATION})

    case = models.ForeignKey("enforcement.Case", on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "enforcement"
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["started_on", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"

    def days(self, today: date | None = None) -> int:
        end = self.ended_on or (today or timezone.localdate())
        return max((end - self.started_on).days, 0)

    def covers(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)


class PoliceTransfer(models.Model):
    """A suspected crime transferred to the police (行刑衔接): a step of the case, which stays open for the
    recovery of the fund and the agreement measures (State Council Regulation on transfers, Arts 5 and 8)."""

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported to the head, awaiting approval")
        REFUSED = "refused", _("Transfer not approved")
        APPROVED = "approved", _("Approved, to be handed over")
        HANDED_OVER = "handed_over", _("Handed over, awaiting the police's feedback")
        ACCEPTED = "accepted", _("Accepted by the police")
        RETURNED = "returned", _("Not accepted: returned to the bureau")

    OPEN_STATES = frozenset({State.REPORTED, State.APPROVED, State.HANDED_OVER})

    case = models.ForeignKey("enforcement.Case", on_delete=models.CASCADE, related_name="police_transfers")
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.REPORTED)
    police = models.CharField(_("police authority"), max_length=200)
    suspected_offence = models.CharField(_("suspected offence"), max_length=200)
    reported_on = models.DateField(_("reported on"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approval_due = models.DateField(_("approval due"))
    approved_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    handover_due = models.DateTimeField(_("hand-over due"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    receipt = models.CharField(_("receipt reference"), max_length=100, blank=True)
    feedback_on = models.DateField(_("police feedback on"), null=True, blank=True)
    feedback_note = models.CharField(_("police feedback"), max_length=300, blank=True)
    late_reason = models.CharField(_("reason for the delay"), max_length=300, blank=True)

    class Meta:
        app_label = "enforcement"
        verbose_name = _("transfer to the police")
        verbose_name_plural = _("transfers to the police")
        ordering = ["reported_on", "pk"]

    def __str__(self):
        return f"{self.police} · {self.get_state_display()}"


class PaymentPlan(models.Model):
    """Deferred or instalment payment of the fine, applied for by the party and approved (APL Art 66)."""

    class Kind(models.TextChoices):
        DEFERRAL = "deferral", _("Deferred payment (暂缓缴纳)")
        INSTALMENTS = "instalments", _("Payment in instalments (分期缴纳)")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    case = models.ForeignKey("enforcement.Case", on_delete=models.CASCADE, related_name="payment_plans")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    reason = models.CharField(_("the party's hardship"), max_length=300)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "enforcement"
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        ordering = ["proposed_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_state_display()}"

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.instalments.all()), Decimal("0"))


class PaymentInstalment(models.Model):
    """One due date and amount of a payment plan."""

    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    due_on = models.DateField(_("due on"))
    amount = Money(_("amount"))

    class Meta:
        app_label = "enforcement"
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.due_on} {self.amount}"


class TerminationGround(models.Model):
    """A ground for terminating a service agreement (Order No.2 Art 43 list) with the evidence it needs and the
    re-application ban that follows a termination on it. Data: administrators add, reword or retire grounds."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=120)
    text = models.CharField(_("ground"), max_length=300)
    evidence_required = models.CharField(_("evidence required"), max_length=300)
    needs_case = models.BooleanField(_("rests on a decided case"), default=False)
    min_suspensions = models.PositiveSmallIntegerField(_("suspensions in the term needed"), default=0)
    reapply_ban_years = models.PositiveSmallIntegerField(_("re-application barred for (years)"), default=0)
    confirmed = models.BooleanField(_("wording confirmed"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        app_label = "enforcement"
        verbose_name = _("termination ground")
        verbose_name_plural = _("termination grounds")
        ordering = ["order", "code"]

    def __str__(self):
        return self.text

    def ban_until(self, terminated_on: date) -> date | None:
        if not self.reapply_ban_years:
            return None
        try:
            return terminated_on.replace(year=terminated_on.year + self.reapply_ban_years)
        except ValueError:  # 29 February
            return terminated_on.replace(year=terminated_on.year + self.reapply_ban_years, day=28) + timedelta(days=1)
