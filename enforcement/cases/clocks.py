"""Statutory clocks: due dates, badges, payments outstanding and the late-payment surcharge.

Lengths come from settings.PROCEDURE_CLOCKS and the versioned ProcedureRules (configurable). The APL's periods
of 7 days or fewer are working days (APL Art 85) and use the calendar; a period counted in calendar days that
ends on a rest day ends on the next working day (``roll_forward``). The cases, the ``deadlines/`` API and the
期限计算 page all compute through the functions here.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.cases.querysets import CLOCK_STATES
from portal.workdays import add_working_days, roll_forward

CENT = Decimal("0.01")


def clock(name: str):
    return settings.PROCEDURE_CLOCKS[name]


def filing_due(lead_received_on: date) -> date:
    return add_working_days(lead_received_on, clock("filing_working_days"))


def decision_due(filed_on: date, extra_days: int = 0) -> date:
    """APL Art 60: 90 days from filing, plus extensions and excluded periods; a rest day rolls forward."""
    return roll_forward(filed_on + timedelta(days=clock("decision_days") + extra_days))


def hearing_request_due(notice_served_on: date) -> date:
    """APL Arts 64, 85: the party asks for a hearing within 5 working days of the notice."""
    return add_working_days(notice_served_on, clock("hearing_request_working_days"))


def hearing_earliest(hearing_notice_on: date) -> date:
    """APL Arts 64(2), 85: the hearing notice is given 7 working days before the hearing."""
    return add_working_days(hearing_notice_on, clock("hearing_notice_working_days"))


def evidence_preservation_due(registered_on: date) -> date:
    """APL Arts 56, 85: evidence registered for preservation is dealt with within 7 working days."""
    return add_working_days(registered_on, clock("evidence_preservation_working_days"))


def service_due(decided_on: date) -> date:
    """APL Arts 61, 85: a decision not handed over on the spot is served within 7 working days."""
    return add_working_days(decided_on, clock("service_working_days"))


def payment_due(served_on: date) -> date:
    """APL Art 67: pay within 15 days of service; a last day on a rest day rolls forward."""
    return roll_forward(served_on + timedelta(days=clock("payment_days")))


def procedure_rules(on: date | None = None):
    from enforcement.models import ProcedureRules

    return ProcedureRules.objects.current(on)


def transfer_approval_due(reported_on: date, rules=None) -> date:
    """State Council Regulation on transfers of suspected crimes, Art 5: the head decides within 3 days."""
    rules = rules or procedure_rules(reported_on)
    return roll_forward(reported_on + timedelta(days=rules.transfer_approval_days))


def transfer_handover_due(approved_at: datetime, rules=None) -> datetime:
    """Same Regulation, Art 8: an approved transfer is handed to the police within 24 hours."""
    rules = rules or procedure_rules(approved_at.date())
    return approved_at + timedelta(hours=rules.transfer_handover_hours)


def deadlines_from(start: date) -> dict[str, date]:
    """Every statutory clock counted from ``start`` (contract ``deadlines/?from=``)."""
    return {
        "filing_decision": filing_due(start),
        "hearing_request": hearing_request_due(start),
        "hearing_earliest": hearing_earliest(start),
        "service": service_due(start),
        "payment": payment_due(start),
        "evidence_preservation": evidence_preservation_due(start),
        "decision": decision_due(start),
        "transfer_approval": transfer_approval_due(start),
    }


DEADLINE_LABELS = {
    "filing_decision": (_("Filing decision after the lead"), _("15 working days — Order No.4")),
    "hearing_request": (_("Hearing request after the prior notice"), _("5 working days — APL Arts 64, 85")),
    "hearing_earliest": (_("Earliest hearing after its notice"), _("7 working days — APL Arts 64, 85")),
    "service": (_("Service of the decision"), _("7 working days — APL Arts 61, 85")),
    "payment": (_("Payment after service"), _("15 days, a rest day rolls forward — APL Art 67")),
    "evidence_preservation": (_("Decision on preserved evidence"), _("7 working days — APL Arts 56, 85")),
    "decision": (_("Decision after filing"), _("90 days, a rest day rolls forward — APL Art 60")),
    "transfer_approval": (
        _("Approval of a transfer to the police"),
        _("3 days — State Council Regulation on transfers Art 5"),
    ),
}


# --- Pauses of the decision clock (中止 and excluded periods) --------------------------------------------------


def paused_days(case, today: date | None = None, *, closed_only: bool = True) -> int:
    """Days the decision clock stood still: suspensions and the excluded periods (hearing, public-notice
    service, testing/appraisal)."""
    from enforcement.models import CasePause

    return sum(
        p.days(today)
        for p in case.pauses.all()
        if p.kind in CasePause.DECISION_CLOCK and (p.ended_on is not None or not closed_only)
    )


def case_decision_due(case) -> date | None:
    """The case's decision due date: 90 days from filing + extensions + closed pauses, rolled forward."""
    if not case.filed_on:
        return None
    return decision_due(case.filed_on, case.extended_days + paused_days(case))


# --- Limitation period (APL Art 36) --------------------------------------------------------------------------------


@dataclass
class Limitation:
    years: int
    starts_on: date
    ends_on: date
    discovered_on: date

    @property
    def expired(self) -> bool:
        """Not discovered within the period: no penalty (the funds are still recovered)."""
        return self.discovered_on > self.ends_on


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28) + timedelta(days=1)


def limitation(case, rules=None) -> Limitation | None:
    """APL Art 36: 2 years from the violation (from its end when continuing), 5 where life, health or financial
    security is harmed; the case's discovery is the day its lead was received. None without a violation date."""
    if not case.violation_on:
        return None
    rules = rules or procedure_rules(case.lead_received_on)
    years = rules.limitation_years_extended if case.limitation_extended else rules.limitation_years
    return Limitation(years, case.violation_on, _add_years(case.violation_on, years), case.lead_received_on)


CLOCK_LABELS = {
    "filing_due": _("Filing decision"),
    "transfer_approval": _("Approval of the transfer to the police"),
    "transfer_handover": _("Hand-over to the police"),
    "decision_due": _("Decision"),
    "service_due": _("Service of the decision"),
    "payment_due": _("Payment"),
    "city_deadline": _("City deadline (督办)"),
}


@dataclass
class Badge:
    label: str
    due: date
    days_left: int
    tone: str  # danger overdue, warning due soon, secondary otherwise


def running_clocks(case, today: date | None = None, soon: int | None = None) -> list[Badge]:
    """The clocks that run in the case's current state, with their badge tone."""
    today = today or timezone.localdate()
    soon = clock("due_soon_days") if soon is None else soon
    badges = []
    for field, states in CLOCK_STATES.items():
        due = getattr(case, field)
        if due is None or case.state not in states:
            continue
        days_left = (due - today).days
        tone = "danger" if days_left < 0 else "warning" if days_left <= soon else "secondary"
        badges.append(Badge(str(CLOCK_LABELS[field]), due, days_left, tone))
    return badges


def transfer_clocks(case, today: date | None = None) -> list[Badge]:
    """The running clocks of a transfer to the police: approval (3 days) and hand-over (24 hours)."""
    today = today or timezone.localdate()
    badges = []
    for transfer in case.police_transfers.all():
        if transfer.state == transfer.State.REPORTED:
            due, label = transfer.approval_due, CLOCK_LABELS["transfer_approval"]
        elif transfer.state == transfer.State.APPROVED and transfer.handover_due:
            due, label = timezone.localdate(transfer.handover_due), CLOCK_LABELS["transfer_handover"]
        else:
            continue
        days_left = (due - today).days
        tone = "danger" if days_left < 0 else "warning"
        badges.append(Badge(str(label), due, days_left, tone))
    return badges


def paid(case, kind: str) -> Decimal:
    return sum((p.amount for p in case.payments.all() if p.kind == kind), Decimal("0"))


def approved_plan(case):
    """The approved payment plan of the fine (APL Art 66), if any."""
    plans = [p for p in case.payment_plans.all() if p.state == p.State.APPROVED]
    return plans[-1] if plans else None


def fine_schedule(case) -> list[tuple[date, Decimal]]:
    """When each part of the fine falls due: the whole fine at the payment term, or, with an approved deferral
    or instalment plan (APL Art 66), the plan's instalments (any part it does not cover stays on the term)."""
    if not case.payment_due or not case.fine_amount:
        return []
    plan = approved_plan(case)
    if plan is None:
        return [(case.payment_due, case.fine_amount)]
    schedule = [(i.due_on, i.amount) for i in plan.instalments.all()]
    rest = case.fine_amount - sum((amount for _, amount in schedule), Decimal("0"))
    if rest > 0:
        schedule.append((case.payment_due, rest))
    return sorted(schedule)


def appeal_periods(case) -> list:
    """APL Art 73: the periods of reconsideration or litigation, during which the surcharge does not accrue."""
    from enforcement.models import CasePause

    return [p for p in case.pauses.all() if p.kind in CasePause.SURCHARGE]


def surcharge_accrued(case, today: date | None = None) -> Decimal:
    """3 % a day of the overdue fine after its due date(s), capped at the fine (APL Art 72); not while
    reconsideration or litigation is pending (Art 73); instalments fall due on their own dates (Art 66)."""
    today = today or timezone.localdate()
    schedule = fine_schedule(case)
    if not schedule:
        return Decimal("0")
    rate = Decimal(str(clock("surcharge_rate")))
    total, day = Decimal("0"), schedule[0][0]
    fine_payments = sorted((p for p in case.payments.all() if p.kind == "fine"), key=lambda p: p.paid_on)
    appeals = appeal_periods(case)
    # Accrue day by day on what was overdue and still unpaid at the end of each day after a due date.
    while day < today:
        day += timedelta(days=1)
        paid_before = sum((p.amount for p in fine_payments if p.paid_on < day), Decimal("0"))
        if paid_before >= case.fine_amount:
            break
        overdue = sum((amount for due, amount in schedule if due < day), Decimal("0")) - paid_before
        if overdue <= 0 or any(p.covers(day) for p in appeals):
            continue
        total += overdue * rate
        if total >= case.fine_amount:
            return case.fine_amount
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Balance:
    kind: str
    label: str
    due: Decimal
    paid: Decimal

    @property
    def outstanding(self) -> Decimal:
        return max(self.due - self.paid, Decimal("0"))


def balances(case, today: date | None = None) -> list[Balance]:
    from enforcement.cases.models import Payment

    labels = dict(Payment.Kind.choices)
    due = {
        "return_funds": case.return_amount,
        "fine": case.fine_amount,
        "confiscation": case.confiscation_amount,
        "surcharge": surcharge_accrued(case, today),
    }
    return [Balance(kind, str(labels[kind]), amount, paid(case, kind)) for kind, amount in due.items()]


def outstanding_total(case, today: date | None = None) -> Decimal:
    return sum((b.outstanding for b in balances(case, today)), Decimal("0"))
