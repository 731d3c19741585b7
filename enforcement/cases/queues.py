"""Work queues: named, user-relative selections of cases and agreement actions.

One definition serves the home page panel (its count) and the list it links to (``?queue=<name>``, a filter
of CaseFilter / AgreementActionFilter), so a panel's count always equals what its link opens. Each queue
narrows a queryset that is already scoped with ``visible_to(user)``.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.models import Case, CaseState, ProposedPenalty, Report
from enforcement.rules.models import Thresholds
from portal.scoping import unit_ids_under
from supervision.org.models import Role

S = CaseState


def _acting_q(user, *roles) -> Q | None:
    """Records in the subtrees where ``user`` holds one of ``roles`` (where the role lets them act)."""
    units = user.scope_units(roles={str(r) for r in roles})
    return Q(jurisdiction_id__in=unit_ids_under(user, units)) if units else None


def _acting_in(qs, user, *roles):
    condition = _acting_q(user, *roles)
    return qs.filter(condition) if condition is not None else qs.none()


def needs_director_q(thresholds: Thresholds | None = None) -> Q:
    """Cases whose decision needs a collective discussion and the director (gates.evaluate's ``collective``)."""
    thresholds = thresholds or Thresholds.objects.current()
    # The same fraud determination as gates.fraud_basis: a violation code or a current item under a fraud rule.
    fraud = Case.violation_types.through.objects.filter(violationtype__rule__is_fraud=True).values("case_id")
    current = ProposedPenalty.objects.filter(report__is_current=True)
    fraud_items = current.filter(rule__is_fraud=True).values("report__case_id")
    termination = current.filter(kind=ProposedPenalty.Kind.TERMINATION).values("report__case_id")
    big_fine = (
        current.filter(kind=ProposedPenalty.Kind.FINE)
        .values("report__case_id")
        .annotate(total=Sum("amount"))
        .filter(total__gte=thresholds.collective_fine)
        .values("report__case_id")
    )
    return Q(is_major=True) | Q(pk__in=fraud) | Q(pk__in=fraud_items) | Q(pk__in=termination) | Q(pk__in=big_fine)


def _own_current_report(user) -> Q:
    return Q(pk__in=Report.objects.filter(is_current=True, proposed_by=user).values("case_id"))


def awaiting_approval(qs, user):
    """Chief: filing decisions, reports to approve and ordinary decisions in their units (not their own)."""
    qs = _acting_in(qs, user, Role.CHIEF)
    own_report = _own_current_report(user)
    return qs.filter(
        (Q(state=S.FILING) & ~Q(opened_by=user))
        | (Q(state=S.REVIEWING) & ~own_report)
        | (Q(state=S.DECIDING) & ~needs_director_q() & ~own_report)
    )


def my_open(qs, user):
    return qs.open().filter(assignments__user=user)


def my_overdue(qs, user):
    return qs.filter(assignments__user=user).overdue()


def in_legal_review(qs, user):
    return _acting_in(qs, user, Role.LEGAL_REVIEWER).filter(state=S.LEGAL_REVIEW)


def major_to_decide(qs, user):
    return _acting_in(qs, user, Role.DIRECTOR).filter(Q(state=S.DECIDING) & needs_director_q())


def escalated(qs, user):
    """Overdue by more than PROCEDURE_CLOCKS['escalate_to_director_days'] days."""
    days = settings.PROCEDURE_CLOCKS["escalate_to_director_days"]
    return qs.overdue(timezone.localdate() - timedelta(days=days))


def overdue(qs, user):
    return qs.overdue()


CASE_QUEUES = {
    "approval": (_("Cases awaiting my approval"), awaiting_approval),
    "mine": (_("My assigned open cases"), my_open),
    "my_overdue": (_("My overdue cases"), my_overdue),
    "legal_review": (_("Cases in legal review"), in_legal_review),
    "major": (_("Major cases to decide"), major_to_decide),
    "escalated": (_("Escalated: long overdue"), escalated),
    "overdue": (_("Overdue in my scope"), overdue),
}


def agreement_actions_awaiting_approval(qs, user):
    """The measures the user approves at their stage (the SQL twin of ``agreement_actions.transitions``'s
    stage rule): a chief approves proposed measures; a director approves proposed measures other than a
    termination, and terminations a chief has approved. Nobody approves their own proposal."""
    A = AgreementAction
    condition = Q()
    chief = _acting_q(user, Role.CHIEF)
    if chief is not None:
        condition |= chief & Q(state=A.State.PROPOSED)
    director = _acting_q(user, Role.DIRECTOR)
    if director is not None:
        proposed = Q(state=A.State.PROPOSED) & ~Q(kind=A.Kind.TERMINATE)
        condition |= director & (proposed | Q(state=A.State.CHIEF_APPROVED))
    if not condition:
        return qs.none()
    return qs.filter(condition).exclude(proposed_by=user)


AGREEMENT_ACTION_QUEUES = {
    "approval": (_("Agreement actions awaiting my approval"), agreement_actions_awaiting_approval),
}


def apply_queue(queues: dict, name: str, qs, user):
    entry = queues.get(name)
    if entry is None or user is None or not user.is_authenticated:
        return qs.none()
    return entry[1](qs, user)
