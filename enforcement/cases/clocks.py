"""Statutory clocks: due dates, badges, payments outstanding and the late-payment surcharge.

Lengths come from settings.PROCEDURE_CLOCKS (configurable); working-day clocks use the calendar.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.cases.querysets import CLOCK_STATES
from portal.workdays import add_working_days

CENT = Decimal("0.01")


def clock(name: str):
    return settings.PROCEDURE_CLOCKS[name]


def filing_due(lead_received_on: date) -> date:
    return add_working_days(lead_received_on, clock("filing_working_days"))


def decision_due(filed_on: date) -> date:
    return filed_on + timedelta(days=clock("decision_days"))


def hearing_request_due(notice_served_on: date) -> date:
    return add_working_days(notice_served_on, clock("hearing_request_working_days"))


def service_due(decided_on: date) -> date:
    return add_working_days(decided_on, clock("service_working_days"))


def payment_due(served_on: date) -> date:
    return served_on + timedelta(days=clock("payment_days"))


CLOCK_LABELS = {
    "filing_due": _("Filing decision"),
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


def paid(case, kind: str) -> Decimal:
    return sum((p.amount for p in case.payments.all() if p.kind == kind), Decimal("0"))


def surcharge_accrued(case, today: date | None = None) -> Decimal:
    """3 % a day of the unpaid fine after the payment term, capped at the fine (APL Art 72)."""
    today = today or timezone.localdate()
    if not case.payment_due or not case.fine_amount:
        return Decimal("0")
    rate = Decimal(str(clock("surcharge_rate")))
    total, day = Decimal("0"), case.payment_due
    fine_payments = sorted((p for p in case.payments.all() if p.kind == "fine"), key=lambda p: p.paid_on)
    # Accrue day by day on what was still unpaid at the end of each day after the due date.
    while day < today:
        day += timedelta(days=1)
        unpaid = case.fine_amount - sum((p.amount for p in fine_payments if p.paid_on < day), Decimal("0"))
        if unpaid <= 0:
            break
        total += unpaid * rate
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
