"""Cases (案件) and everything recorded on them: officers, recusals, reports, events, evidence, payments."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from enforcement.cases.querysets import CLOCK_STATES, CaseQuerySet
from enforcement.rules.models import PenaltyRule, ViolationType
from portal.fields import Money
from supervision.org.models import ScopedModel
from supervision.register.models import Institution

CENT = Decimal("0.01")


class CaseState(models.TextChoices):
    """States of the general procedure (domain §4)."""

    FILING = "filing", _("Awaiting filing decision")
    NOT_FILED = "not_filed", _("Not filed")
    INVESTIGATING = "investigating", _("Investigating")
    REVIEWING = "reviewing", _("Report under review")
    LEGAL_REVIEW = "legal_review", _("Legal review")
    NOTIFYING = "notifying", _("Prior notice to issue")
    NOTIFIED = "notified", _("Notified (statement window)")
    SUSPENDED = "suspended", _("Suspended (中止)")
    HEARING = "hearing", _("Hearing")
    DECIDING = "deciding", _("Deciding")
    DECIDED = "decided", _("Decided")
    EXECUTING = "executing", _("Executing")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")
    TRANSFERRED = "transferred", _("Transferred")
    TERMINATED = "terminated", pgettext_lazy("case state", "Terminated")


OPEN_STATES = frozenset(
    {
        CaseState.FILING, CaseState.INVESTIGATING, CaseState.REVIEWING, CaseState.LEGAL_REVIEW,
        CaseState.NOTIFYING, CaseState.NOTIFIED, CaseState.HEARING, CaseState.DECIDING, CaseState.DECIDED,
        CaseState.EXECUTING, CaseState.SUSPENDED,
    }
)  # fmt: skip


class Case(ScopedModel):
    """An administrative penalty case against an institution or a person."""

    class PartyKind(models.TextChoices):
        ORGANISATION = "organisation", pgettext_lazy("party kind", "Organisation")
        PERSON = "person", _("Natural person")

    class Outcome(models.TextChoices):
        PENALTY = "penalty", _("Penalty")
        NO_PENALTY = "no_penalty", _("No penalty")
        TRANSFER = "transfer", _("Transfer to another authority")

    number = models.CharField(_("case number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("institution"),
        null=True,
        blank=True,
    )
    party_kind = models.CharField(_("party"), max_length=12, choices=PartyKind.choices, default=PartyKind.ORGANISATION)
    party_name = models.CharField(_("party name"), max_length=120, blank=True)
    party_address = models.CharField(_("party address"), max_length=200, blank=True)
    violation_types = models.ManyToManyField(ViolationType, related_name="cases", verbose_name=_("violation codes"))
    amount_involved = Money(_("amount involved"), default=Decimal("0"))
    facts = models.TextField(_("facts"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=CaseState.choices, default=CaseState.FILING)
    is_major = models.BooleanField(_("marked major"), default=False)
    # APL Art 36: the limitation period counts from the day of the violation (or the day a continuing one ended).
    violation_on = models.DateField(_("violation committed (or ended) on"), null=True, blank=True)
    limitation_extended = models.BooleanField(
        _("affects life, health or financial security with harmful consequences (5-year limitation)"), default=False
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)

    lead = models.ForeignKey(
        "supervision.Lead",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=pgettext_lazy("lead (线索)", "lead"),
    )

    # Clocks: the dates the rules count from, and the due dates derived from them when they start.
    lead_received_on = models.DateField(_("lead received on"))
    filing_due = models.DateField(_("filing decision due"))
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("extensions"), default=0)
    extended_days = models.PositiveSmallIntegerField(_("days added by extensions"), default=0)
    suspended_from_state = models.CharField(_("state before the suspension"), max_length=16, blank=True)
    notice_served_on = models.DateField(_("prior notice served on"), null=True, blank=True)
    hearing_request_due = models.DateField(_("hearing request due"), null=True, blank=True)
    hearing_requested_on = models.DateField(_("hearing requested on"), null=True, blank=True)
    hearing_notice_on = models.DateField(_("hearing notice given on"), null=True, blank=True)
    hearing_held_on = models.DateField(_("hearing held on"), null=True, blank=True)
    hearing_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hearing chair"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    service_due = models.DateField(_("service due"), null=True, blank=True)
    served_on = models.DateField(_("decision served on"), null=True, blank=True)
    payment_due = models.DateField(_("payment due"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("closing basis"), max_length=200, blank=True)
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True)
    # Archiving (归档, issue 15): when, and the SHA-256 of the case file's manifest.json at that moment; the
    # file is verified against it (``manage.py verify_case_file``).
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    manifest_sha256 = models.CharField(_("SHA-256 of the case file's manifest"), max_length=64, blank=True)

    # Decided amounts (copied from the approved report when decided).
    fine_amount = Money(_("fine"), default=Decimal("0"))
    return_amount = Money(_("funds to return"), default=Decimal("0"))
    confiscation_amount = Money(_("confiscation"), default=Decimal("0"))

    # City supervision (督办).
    city_deadline = models.DateField(_("city deadline (督办)"), null=True, blank=True)

    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CaseOfficer", related_name="assigned_cases", verbose_name=_("officers")
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["jurisdiction", "-opened_at"]),
            models.Index(fields=["state", "-opened_at"]),
            # The list's own order, for city-wide users: without it PostgreSQL sorts every case to show 50
            # (bench: city case list p50 148 → 78 ms on 30,000 cases).
            models.Index(fields=["-opened_at", "-id"], name="case_list_order_idx"),
            # The home page's overdue counts (issue 19): one small index per clock, holding only the cases in
            # which that clock runs, so that `.overdue()` (an OR of the five) is a BitmapOr over them and never
            # reads the closed cases. The conditions are CLOCK_STATES' own lists, in the same order, so that
            # PostgreSQL can prove that a query's `state IN (...)` implies the index's.
            *(
                models.Index(
                    fields=["jurisdiction", field], condition=models.Q(state__in=states), name=f"case_{field}_run_idx"
                )
                for field, states in CLOCK_STATES.items()
            ),
            # The statistics' current month, computed live on the director's home and the statistics page (issue
            # 19): cases decided and closed in a month, without reading every case.
            models.Index(
                fields=["decided_on"], condition=models.Q(decided_on__isnull=False), name="case_decided_on_idx"
            ),
            models.Index(fields=["closed_on"], condition=models.Q(closed_on__isnull=False), name="case_closed_on_idx"),
        ]
        permissions = [
            ("act_case", "Can take procedure actions"),
            ("export_case", "Can export cases"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("enforcement:case-detail", args=[self.pk])

    def clean(self):
        if self.party_kind == self.PartyKind.ORGANISATION and not self.institution_id:
            raise ValidationError({"institution": _("A case against an organisation names the institution.")})
        if self.party_kind == self.PartyKind.PERSON and not self.party_name:
            raise ValidationError({"party_name": _("Name the person the case is against.")})
        if self.amount_involved is not None and self.amount_involved < 0:
            raise ValidationError({"amount_involved": _("The amount cannot be negative.")})

    @property
    def party_display(self) -> str:
        if self.party_kind == self.PartyKind.PERSON:
            return self.party_name
        return self.institution.name if self.institution_id else self.party_name

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseOfficer(models.Model):
    """An officer assigned to a case's investigation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments")
    is_lead = models.BooleanField(_("lead officer"), default=False)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assigned officer")
        verbose_name_plural = _("assigned officers")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="uniq_case_officer")]
        ordering = ["-is_lead", "assigned_at"]

    def __str__(self):
        return f"{self.case.number} · {self.user}"


class Recusal(models.Model):
    """A declared conflict of interest (回避): the officer may not work on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recusals")
    reason = models.CharField(_("reason"), max_length=300)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="uniq_recusal")]

    def __str__(self):
        return f"{self.case.number} · {self.user}"


class Report(models.Model):
    """An investigation report with the proposed outcome (调查终结报告); a returned report is kept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    outcome = models.CharField(_("proposed outcome"), max_length=12, choices=Case.Outcome.choices)
    findings = models.TextField(_("findings"))
    reasoning = models.TextField(_("reasons for the choice (discretion)"), blank=True)
    transfer_to = models.CharField(_("transfer to"), max_length=200, blank=True)
    no_penalty_ground = models.CharField(_("ground for no penalty"), max_length=20, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("investigation report")
        verbose_name_plural = _("investigation reports")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self):
        return f"{self.case.number} · {self.get_outcome_display()}"

    def total(self, kind: str) -> Decimal:
        return sum((p.amount for p in self.penalties.all() if p.kind == kind), Decimal("0"))

    @property
    def fine_total(self) -> Decimal:
        return self.total(ProposedPenalty.Kind.FINE)

    @property
    def return_total(self) -> Decimal:
        return self.total(ProposedPenalty.Kind.RETURN_FUNDS)

    @property
    def has_suspension(self) -> bool:
        return any(p.kind == ProposedPenalty.Kind.SUSPENSION for p in self.penalties.all())

    @property
    def recommends_termination(self) -> bool:
        return any(p.kind == ProposedPenalty.Kind.TERMINATION for p in self.penalties.all())


class ProposedPenalty(models.Model):
    """One item of the proposed (later decided) penalty, under one rule."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        ORDER_CORRECT = "order_correct", _("Order to correct (责令改正)")
        RETURN_FUNDS = "return_funds", _("Return of funds")
        FINE = "fine", _("Fine")
        CONFISCATION = "confiscation", _("Confiscation")
        SUSPENSION = "suspension", _("Department service suspension")
        BAN = "ban", _("Ban")
        TERMINATION = "termination", _("Recommend agreement termination")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="penalties")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    rule = models.ForeignKey(PenaltyRule, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("rule"))
    amount = Money(_("amount"), default=Decimal("0"))
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    basis_amount = Money(_("amount the fine is based on"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed penalty")
        verbose_name_plural = _("proposed penalties")

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount or ''}"


class CaseEvent(models.Model):
    """One entry of the case timeline: who took which action, when, from which state to which."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=16, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=16, choices=CaseState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self):
        return f"{self.case_id} {self.action} {self.from_state}→{self.to_state}"


class Discussion(models.Model):
    """A recorded collective discussion (集体讨论) by the bureau's leaders."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="discussions")
    held_on = models.DateField(_("held on"))
    participants = models.CharField(_("participants"), max_length=300)
    conclusion = models.TextField(_("conclusion"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    purpose = models.CharField(_("purpose"), max_length=20, default="decision")  # decision | extension

    class Meta:
        verbose_name = _("collective discussion")
        verbose_name_plural = _("collective discussions")
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"{self.case.number} {self.held_on}"


class Payment(models.Model):
    """Money received on a decided case: returned funds, the fine, the late surcharge, confiscation."""

    class Kind(models.TextChoices):
        RETURN_FUNDS = "return_funds", _("Returned funds")
        FINE = "fine", _("Fine")
        SURCHARGE = "surcharge", _("Late-payment surcharge")
        CONFISCATION = "confiscation", _("Confiscation")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    amount = Money(_("amount"))
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("receipt or transfer reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="user_grants")


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_grants")
