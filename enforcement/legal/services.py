"""Handlers of the procedure actions added for legal fidelity (issue 14), run by ``case_act``.

Each handler has the shape of ``enforcement.services.cases``' handlers: it receives the locked case, the actor,
the comment and the action's cleaned data, changes the case and its records, and returns (target state or None,
payload). Messages name the rule and its article, so an officer sees why a step is refused.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.cases import clocks
from enforcement.models import CasePause, PaymentInstalment, PaymentPlan, PoliceTransfer
from portal.errors import InvalidState
from portal.workdays import roll_forward

P = CasePause.Kind
T = PoliceTransfer.State


def _day(data: dict, key: str, *, default_today: bool = True) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        return timezone.localdate() if default_today else None
    if isinstance(value, datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _moment(data: dict, key: str) -> datetime:
    value = data.get(key)
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _not_future(day: date, key: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({key: _("The date cannot be in the future.")})


# --- Suspension (中止) and periods excluded from the decision clock -------------------------------------------


def suspend(case, by, comment, data):
    """Suspend the case (中止): the decision clock stops until it resumes."""
    started = _day(data, "suspended_on")
    _not_future(started, "suspended_on")
    if case.filed_on and started < case.filed_on:
        raise ValidationError({"suspended_on": _("A case is suspended after it was filed.")})
    CasePause.objects.create(case=case, kind=P.SUSPENSION, started_on=started, reason=comment[:300], recorded_by=by)
    case.suspended_from_state = case.state
    return None, {"suspended_on": started, "from_state": case.state}


def resume(case, by, comment, data):
    """Resume a suspended case in the state it was suspended in; the decision due date moves by the days
    suspended."""
    pause = case.pauses.filter(kind=P.SUSPENSION, ended_on__isnull=True).order_by("-started_on").first()
    if pause is None or not case.suspended_from_state:
        raise InvalidState(_("The case is not suspended."))
    resumed = _day(data, "resumed_on")
    _not_future(resumed, "resumed_on")
    if resumed < pause.started_on:
        raise ValidationError({"resumed_on": _("The case resumes on or after the day it was suspended.")})
    pause.ended_on = resumed
    pause.save(update_fields=["ended_on"])
    target = case.suspended_from_state
    case.suspended_from_state = ""
    case.decision_due = clocks.case_decision_due(case)
    return target, {"resumed_on": resumed, "days_suspended": pause.days(), "decision_due": case.decision_due}


EXCLUDED_KINDS = (P.PUBLIC_NOTICE, P.APPRAISAL)


def _overlaps(case, start: date, end: date | None, kinds) -> bool:
    for other in case.pauses.filter(kind__in=list(kinds)):
        other_end = other.ended_on or date.max
        if start < other_end and (end is None or other.started_on < end):
            return True
    return False


def record_excluded_period(case, by, comment, data):
    """Record a period not counted in the decision period: service by public notice, or testing, inspection,
    quarantine or appraisal (Order No.4, as the APL's decision period of Art 60 is applied)."""
    kind = data.get("kind")
    if kind not in EXCLUDED_KINDS:
        raise ValidationError({"kind": _("Choose service by public notice or testing/appraisal.")})
    started, ended = _day(data, "started_on", default_today=False), _day(data, "ended_on", default_today=False)
    if started is None or ended is None:
        raise ValidationError({"ended_on": _("Give the first day and the day the period ended.")})
    if ended <= started:
        raise ValidationError({"ended_on": _("The period ends after it starts.")})
    _not_future(ended, "ended_on")
    if case.filed_on and started < case.filed_on:
        raise ValidationError({"started_on": _("Only a period after filing is excluded from the decision period.")})
    if _overlaps(case, started, ended, CasePause.DECISION_CLOCK):
        raise ValidationError({"started_on": _("The period overlaps one already excluded: a day counts once.")})
    pause = CasePause.objects.create(case=case, kind=kind, started_on=started, ended_on=ended,
                                     reason=comment[:300], recorded_by=by)  # fmt: skip
    case.decision_due = clocks.case_decision_due(case)
    return None, {"kind": kind, "started_on": started, "ended_on": ended, "days": pause.days(),
                  "decision_due": case.decision_due}  # fmt: skip


def exclude_hearing(case, by, held_on: date) -> int:
    """The hearing's time (from the request to the hearing) is not counted in the decision period."""
    start = case.hearing_requested_on or case.hearing_notice_on
    if not start or held_on <= start or _overlaps(case, start, held_on, CasePause.DECISION_CLOCK):
        return 0
    pause = CasePause.objects.create(case=case, kind=P.HEARING, started_on=start, ended_on=held_on,
                                     reason=_("Hearing"), recorded_by=by)  # fmt: skip
    case.decision_due = clocks.case_decision_due(case)
    return pause.days()


# --- Transfer of a suspected crime to the police (行刑衔接) ------------------------------------------------------

RULE_ART5 = "《行政执法机关移送涉嫌犯罪案件的规定》第五条"
RULE_ART8 = "《行政执法机关移送涉嫌犯罪案件的规定》第八条"


def _transfer(case, *states) -> PoliceTransfer:
    transfer = case.police_transfers.filter(state__in=states).order_by("-reported_on", "-pk").first()
    if transfer is None:
        raise InvalidState(_("There is no transfer to the police at this step."))
    return transfer


def report_police_transfer(case, by, comment, data):
    """The officers report a suspected crime to the head; the administrative case stays open."""
    if case.police_transfers.filter(state__in=PoliceTransfer.OPEN_STATES).exists():
        raise InvalidState(_("A transfer to the police is already under way."))
    police = (data.get("police") or "").strip()
    offence = (data.get("suspected_offence") or "").strip()
    if not police:
        raise ValidationError({"police": _("Name the police authority.")})
    if not offence:
        raise ValidationError({"suspected_offence": _("Name the suspected offence.")})
    reported = _day(data, "reported_on")
    _not_future(reported, "reported_on")
    if case.filed_on and reported < case.filed_on:
        raise ValidationError({"reported_on": _("The report follows the filing.")})
    rules = clocks.procedure_rules(reported)
    transfer = PoliceTransfer.objects.create(
        case=case, police=police, suspected_offence=offence, reported_on=reported, reported_by=by,
        approval_due=clocks.transfer_approval_due(reported, rules),
    )  # fmt: skip
    return None, {"transfer": transfer.pk, "police": police, "approval_due": transfer.approval_due}


def decide_police_transfer(case, by, comment, data):
    """The head approves or refuses within 3 days of the report (Art 5); a late decision states why."""
    transfer = _transfer(case, T.REPORTED)
    if transfer.reported_by_id == by.pk:
        raise PermissionDenied(_("Nobody approves their own proposal."))
    approve = data.get("approve")
    if approve is None:
        raise ValidationError({"approve": _("Approve or refuse the transfer.")})
    decided_at = _moment(data, "decided_at")
    if decided_at > timezone.now():
        raise ValidationError({"decided_at": _("The date cannot be in the future.")})
    late = timezone.localdate(decided_at) > transfer.approval_due
    if late and not comment:
        raise ValidationError({"comment": _(
            "The head decides within %(days)s days of the report (%(rule)s): the decision is late (due %(due)s), "
            "state why."
        ) % {"days": clocks.procedure_rules(transfer.reported_on).transfer_approval_days, "rule": RULE_ART5,
             "due": transfer.approval_due}})  # fmt: skip
    if not approve and not comment:
        raise ValidationError({"comment": _("Give the reason for not transferring.")})
    transfer.approved_at, transfer.approved_by = decided_at, by
    if approve:
        transfer.state = T.APPROVED
        transfer.handover_due = clocks.transfer_handover_due(decided_at)
    else:
        transfer.state = T.REFUSED
    if late:
        transfer.late_reason = comment[:300]
    transfer.save()
    return None, {"transfer": transfer.pk, "approved": bool(approve), "late": late,
                  "handover_due": transfer.handover_due}  # fmt: skip


def hand_over_police(case, by, comment, data):
    """Hand the approved transfer to the police within 24 hours (Art 8), with its receipt. The case stays open:
    returns of funds and agreement measures continue."""
    transfer = _transfer(case, T.APPROVED)
    receipt = (data.get("receipt") or "").strip()
    if not receipt:
        raise ValidationError({"receipt": _("Give the police's receipt reference.")})
    at = _moment(data, "handed_over_at")
    if at > timezone.now():
        raise ValidationError({"handed_over_at": _("The date cannot be in the future.")})
    if at < transfer.approved_at:
        raise ValidationError({"handed_over_at": _("The hand-over follows the approval.")})
    late = at > transfer.handover_due
    if late and not comment:
        hours = clocks.procedure_rules(transfer.reported_on).transfer_handover_hours
        raise ValidationError({"comment": _(
            "An approved transfer is handed over within %(hours)s hours (%(rule)s): it is late, state why."
        ) % {"hours": hours, "rule": RULE_ART8}})  # fmt: skip
    transfer.handed_over_at, transfer.receipt, transfer.state = at, receipt, T.HANDED_OVER
    if late:
        transfer.late_reason = comment[:300]
    transfer.save()
    case.transferred_to = transfer.police
    return None, {"transfer": transfer.pk, "to_police": True, "transfer_to": transfer.police, "receipt": receipt,
                  "late": late}  # fmt: skip


def record_police_feedback(case, by, comment, data):
    """The police accept the case (立案) or do not and return it; the administrative case continues."""
    transfer = _transfer(case, T.HANDED_OVER)
    accepted = data.get("accepted")
    if accepted is None:
        raise ValidationError({"accepted": _("Say whether the police accepted the case.")})
    feedback_on = _day(data, "feedback_on")
    _not_future(feedback_on, "feedback_on")
    if feedback_on < timezone.localdate(transfer.handed_over_at):
        raise ValidationError({"feedback_on": _("The feedback follows the hand-over.")})
    note = (data.get("note") or comment or "").strip()
    if not accepted and not note:
        raise ValidationError({"note": _("Record the police's reasons for not accepting the case.")})
    transfer.state = T.ACCEPTED if accepted else T.RETURNED
    transfer.feedback_on, transfer.feedback_note = feedback_on, note[:300]
    transfer.save()
    if not accepted:
        case.transferred_to = ""
    return None, {"transfer": transfer.pk, "accepted": bool(accepted), "feedback_on": feedback_on}


# --- Reconsideration and litigation (the surcharge stops, APL Art 73) -------------------------------------------

APPEAL_KINDS = (P.RECONSIDERATION, P.LITIGATION)


def record_appeal(case, by, comment, data):
    kind = data.get("kind")
    if kind not in APPEAL_KINDS:
        raise ValidationError({"kind": _("Choose reconsideration or litigation.")})
    started = _day(data, "started_on")
    _not_future(started, "started_on")
    if case.decided_on and started < case.decided_on:
        raise ValidationError({"started_on": _("An appeal follows the decision.")})
    if case.pauses.filter(kind__in=APPEAL_KINDS, ended_on__isnull=True).exists():
        raise InvalidState(_("A reconsideration or litigation is already pending."))
    CasePause.objects.create(case=case, kind=kind, started_on=started, reason=comment[:300], recorded_by=by)
    return None, {"kind": kind, "started_on": started}


def end_appeal(case, by, comment, data):
    pause = case.pauses.filter(kind__in=APPEAL_KINDS, ended_on__isnull=True).first()
    if pause is None:
        raise InvalidState(_("No reconsideration or litigation is pending."))
    ended = _day(data, "ended_on")
    _not_future(ended, "ended_on")
    if ended < pause.started_on:
        raise ValidationError({"ended_on": _("It ends on or after the day it started.")})
    pause.ended_on = ended
    pause.save(update_fields=["ended_on"])
    return None, {"kind": pause.kind, "ended_on": ended, "result": data.get("result", "")}


# --- Deferred or instalment payment of the fine (APL Art 66) ----------------------------------------------------


def propose_payment_plan(case, by, comment, data):
    kind = data.get("kind")
    if kind not in PaymentPlan.Kind.values:
        raise ValidationError({"kind": _("Choose deferral or instalments.")})
    reason = (data.get("reason") or "").strip()
    if not reason:
        raise ValidationError({"reason": _(
            "APL Art 66: deferral or instalments are for a party in real financial hardship, on its application: "
            "record the hardship."
        )})  # fmt: skip
    if not case.fine_amount:
        raise ValidationError({"kind": _("Only a fine can be deferred or paid in instalments (APL Art 66).")})
    if case.payment_plans.filter(state=PaymentPlan.State.PROPOSED).exists():
        raise InvalidState(_("A payment plan already awaits the decision."))
    raw = data.get("instalments") or []
    instalments = []
    for number, item in enumerate(raw, start=1):
        try:
            due_on = item["due_on"] if isinstance(item["due_on"], date) else date.fromisoformat(item["due_on"])
            amount = Decimal(str(item["amount"]))
        except (KeyError, TypeError, ValueError, ArithmeticError):
            message = _("Instalment %(n)s: give due_on and amount.") % {"n": number}
            raise ValidationError({"instalments": message}) from None
        if amount <= 0:
            raise ValidationError({"instalments": _("Instalment %(n)s: give a positive amount.") % {"n": number}})
        instalments.append((roll_forward(due_on), amount))  # a due date on a rest day moves to the next working day
    if kind == PaymentPlan.Kind.DEFERRAL and len(instalments) != 1:
        raise ValidationError({"instalments": _("A deferral has one new due date.")})
    if kind == PaymentPlan.Kind.INSTALMENTS and len(instalments) < 2:
        raise ValidationError({"instalments": _("Instalments need at least two due dates.")})
    start = case.payment_due or case.decided_on
    if any(due < start for due, _amount in instalments):
        raise ValidationError({"instalments": _("A due date lies after the payment term (%(day)s).") % {"day": start}})
    paid = clocks.paid(case, "fine")
    outstanding = case.fine_amount - paid
    total = sum((amount for _due, amount in instalments), Decimal("0"))
    if total != outstanding:
        raise ValidationError({"instalments": _(
            "The instalments add up to %(total)s CNY; the fine outstanding is %(left)s CNY."
        ) % {"total": total, "left": outstanding}})  # fmt: skip
    plan = PaymentPlan.objects.create(case=case, kind=kind, reason=reason[:300], proposed_by=by)
    PaymentInstalment.objects.bulk_create(PaymentInstalment(plan=plan, due_on=d, amount=a) for d, a in instalments)
    return None, {"plan": plan.pk, "kind": kind, "instalments": [{"due_on": d, "amount": a} for d, a in instalments]}


def decide_payment_plan(case, by, comment, data):
    plan = case.payment_plans.filter(state=PaymentPlan.State.PROPOSED).first()
    if plan is None:
        raise InvalidState(_("No payment plan awaits a decision."))
    if plan.proposed_by_id == by.pk:
        raise PermissionDenied(_("Nobody approves their own proposal."))
    approve = data.get("approve")
    if approve is None:
        raise ValidationError({"approve": _("Approve or refuse the payment plan.")})
    if not approve and not comment:
        raise ValidationError({"comment": _("Give the reason.")})
    if approve:
        case.payment_plans.filter(state=PaymentPlan.State.APPROVED).update(state=PaymentPlan.State.REJECTED)
    plan.state = PaymentPlan.State.APPROVED if approve else PaymentPlan.State.REJECTED
    plan.decided_by, plan.decided_at = by, timezone.now()
    plan.save()
    return None, {"plan": plan.pk, "approved": bool(approve)}


HANDLERS = {
    "suspend": suspend,
    "resume": resume,
    "record_excluded_period": record_excluded_period,
    "report_police_transfer": report_police_transfer,
    "decide_police_transfer": decide_police_transfer,
    "hand_over_police": hand_over_police,
    "record_police_feedback": record_police_feedback,
    "record_appeal": record_appeal,
    "end_appeal": end_appeal,
    "propose_payment_plan": propose_payment_plan,
    "decide_payment_plan": decide_payment_plan,
}
