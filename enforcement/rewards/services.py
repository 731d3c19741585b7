"""Whistleblower rewards (举报奖励, domain §3; 医保办发〔2022〕22号, law-reference §5).

``reward = clamp(case value × rate[tier], floor[tier], cap)``; tiers, floors and the cap are settings
(``REWARDS``). The case value is the funds actually recovered on the case (returned-funds payments). A
reward is proposed with its eligibility checks, approved or rejected by the chief (not the proposer), then
the reporter has ``claim_months`` to claim it, or it is deemed waived (the daily job).
"""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.cases.models import Case, Payment
from enforcement.rewards.models import Reward
from enforcement.rewards.transitions import TRANSITIONS
from portal import audit, bulk
from portal.errors import InvalidState
from supervision.leads.models import Lead
from supervision.org.models import User
from supervision.reports.models import Report

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RewardFigure:
    rate: Decimal
    floor: Decimal
    cap: Decimal
    amount: Decimal


def reward_compute(case_value, tier: str) -> RewardFigure:
    """``clamp(case_value × rate[tier], floor[tier], cap)``, rounded to the cent."""
    config = settings.REWARDS
    try:
        rate, floor = (Decimal(str(v)) for v in config["tiers"][str(tier)])
    except KeyError:
        raise ValidationError({"tier": _("Unknown reward tier.")}) from None
    cap = Decimal(str(config["cap"]))
    value = Decimal(str(case_value))
    if value < 0:
        raise ValidationError({"case_value": _("The case value cannot be negative.")})
    amount = (value * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    amount = min(max(amount, floor), cap)
    return RewardFigure(rate=rate, floor=floor, cap=cap, amount=amount)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def recovered_funds(case: Case) -> Decimal:
    """Funds returned to the fund on the case (the reward's case value)."""
    total = case.payments.filter(kind=Payment.Kind.RETURN_FUNDS).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def reward_eligibility(*, report: Report, case: Case, facts_already_known: bool = False,
                       evidence_valid: bool = True, reporter_is_staff: bool = False,
                       reporter_is_offender: bool = False) -> dict[str, bool]:  # fmt: skip
    """Every condition of law-reference §5, each True when met (the reward is eligible when all are)."""
    staff_phone = (
        bool(report.reporter_phone)
        and User.objects.filter(phone=report.reporter_phone, is_active=True, roles__is_active=True)
        .exclude(roles__role="supervisor")
        .exists()
    )
    return {
        "public_report": report.kind == Report.Kind.PUBLIC,
        "real_identity": not report.is_anonymous and bool(report.reporter_name and report.reporter_phone),
        "wants_reward": report.wants_reward,
        "verified": report.lead_id is not None and report.lead.status in (Lead.Status.CONFIRMED, Lead.Status.CONVERTED),
        "led_to_case": report.lead_id is not None and case.lead_id == report.lead_id,
        "funds_recovered": recovered_funds(case) > 0,
        "evidence_valid": bool(evidence_valid),
        "facts_not_known_before": not facts_already_known,
        "not_staff": not reporter_is_staff and not staff_phone,
        "not_offender": not reporter_is_offender,
    }


CHECK_LABELS = {
    "public_report": gettext_lazy("A public report (举报)"),
    "real_identity": gettext_lazy("The reporter gave their real name and contact details"),
    "wants_reward": gettext_lazy("The reporter asked for a reward"),
    "verified": gettext_lazy("The report was verified"),
    "led_to_case": gettext_lazy("The case came from the report's lead"),
    "funds_recovered": gettext_lazy("Funds were recovered"),
    "evidence_valid": gettext_lazy("Clear target and valid evidence"),
    "facts_not_known_before": gettext_lazy("The main facts were not already known to the bureau"),
    "not_staff": gettext_lazy("The reporter is not medical-security staff or contracted third-party staff"),
    "not_offender": gettext_lazy("The reporter is not the offender or an accomplice"),
}


@transaction.atomic
def reward_propose(*, report: Report, case: Case, tier: str, by: User, **checks) -> Reward:
    """Compute and propose a reward; refused (400) unless every eligibility condition holds."""
    if not by.has_perm("enforcement.add_reward", case):
        raise PermissionDenied(_("Your role may not propose rewards for this case."))
    if case.jurisdiction_id != report.jurisdiction_id and not by.has_perm("enforcement.add_reward", report):
        raise PermissionDenied(_("Your role may not propose rewards for this report."))
    results = reward_eligibility(report=report, case=case, **checks)
    failed = [str(CHECK_LABELS[key]) for key, ok in results.items() if not ok]
    if failed:
        raise ValidationError({"eligibility": [_("Not eligible: %(why)s.") % {"why": "；".join(failed)}]})
    if Reward.objects.filter(report=report, case=case).exclude(state=Reward.State.REJECTED).exists():
        raise InvalidState(_("A reward for this report and case already exists."))
    value = recovered_funds(case)
    figure = reward_compute(value, tier)
    reward = Reward.objects.create(
        report=report,
        case=case,
        jurisdiction_id=case.jurisdiction_id,
        tier=str(tier),
        case_value=value,
        rate=figure.rate,
        floor=figure.floor,
        cap=figure.cap,
        amount=figure.amount,
        checks=results,
        proposed_by=by,
    )
    audit.record(actor=by, verb="propose", obj=reward, after=audit.snapshot(reward))
    return reward


def _locked(reward: Reward) -> Reward:
    return Reward.objects.select_for_update(of=("self",)).select_related("case", "report").get(pk=reward.pk)


@transaction.atomic
def reward_approve(*, reward: Reward, by: User, comment: str = "", on: date | None = None) -> Reward:
    """The chief approves (not the proposer); the reporter is notified and the claim period starts."""
    current = _locked(reward)
    TRANSITIONS.check(current, "approve", by)
    before = audit.snapshot(current, ["state", "claim_due"])
    on = on or timezone.localdate()
    current.state = Reward.State.APPROVED
    current.decided_by, current.decided_on, current.decision_comment = by, on, (comment or "").strip()
    current.claim_due = add_months(on, settings.REWARDS["claim_months"])
    current.save()
    audit.record(
        actor=by, verb="approve", obj=current, before=before, after=audit.snapshot(current, ["state", "claim_due"])
    )
    return current


def rewards_approve_many(*, ids, by: User, comment: str = "") -> bulk.BulkReport:
    """批量批准 rewards (``portal.bulk``): all or nothing, each through ``reward_approve`` (its own audit row)
    with the shared comment; a reward the user does not see is refused as "not found"."""
    return bulk.bulk_transition(
        TRANSITIONS,
        "approve",
        ids=ids,
        queryset=Reward.objects.visible_to(by).select_related("case"),
        step=lambda reward: reward_approve(reward=reward, by=by, comment=comment),
    )


@transaction.atomic
def reward_reject(*, reward: Reward, by: User, comment: str) -> Reward:
    current = _locked(reward)
    TRANSITIONS.check(current, "reject", by)
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Give the reason.")})
    before = audit.snapshot(current, ["state"])
    current.state = Reward.State.REJECTED
    current.decided_by, current.decided_on, current.decision_comment = by, timezone.localdate(), comment.strip()
    current.save()
    audit.record(actor=by, verb="reject", obj=current, before=before, after=audit.snapshot(current, ["state"]),
                 reason=comment)  # fmt: skip
    return current


@transaction.atomic
def reward_record_claim(*, reward: Reward, by: User, on: date | None = None) -> Reward:
    """The reporter claimed the reward within the claim period."""
    current = _locked(reward)
    TRANSITIONS.check(current, "claim", by)
    on = on or timezone.localdate()
    if on > current.claim_due:
        raise InvalidState(_("The claim period ended on %(due)s.") % {"due": current.claim_due})
    before = audit.snapshot(current, ["state", "claimed_on"])
    current.state, current.claimed_on = Reward.State.CLAIMED, on
    current.save()
    audit.record(
        actor=by, verb="claim", obj=current, before=before, after=audit.snapshot(current, ["state", "claimed_on"])
    )
    return current


def rewards_waive_due(*, today: date | None = None) -> int:
    """Daily: approved rewards not claimed by their claim date are deemed waived."""
    today = today or timezone.localdate()
    count = 0
    for pk in list(
        Reward.objects.filter(state=Reward.State.APPROVED, claim_due__lt=today).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            current = Reward.objects.select_for_update().get(pk=pk)
            current.state = Reward.State.WAIVED
            current.save(update_fields=["state"])
            audit.record(actor=None, verb="waive", obj=current, after={"state": current.state})
            count += 1
    return count
