"""Work queues: named, user-relative selections of cases and agreement actions.

One definition serves the home page panel (its count) and the list it links to (``?queue=<name>``, a filter
of CaseFilter / AgreementActionFilter), so a panel's count always equals what its link opens. Each queue
narrows a queryset that is already scoped with ``visible_to(user)``.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.models import Case, CaseState, ProposedPenalty, Report
from enforcement.rules.models import PenaltyRule, Thresholds
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
    """Cases whose decision needs a collective discussion and the director (gates.evaluate's ``collective``).

    Two correlated EXISTS, each an aggregate over one case's own rows (its violation codes; its current report's
    items), so that PostgreSQL evaluates them for each case the rest of the filter leaves (a queue's deciding
    cases), through the foreign-key indexes. The aggregate is what keeps it so: a plain ``pk IN (subquery)`` or
    EXISTS is hashed over the whole table instead (issue 19: the 40,000 proposed penalties of the bench data
    read for each home page). The fraud provisions are read first (one small query), so that each case's probe
    is an index lookup by literal ids rather than a join to the rules (bench: 60 → 40 ms over 1,206 deciding
    cases).
    """
    thresholds = thresholds or Thresholds.objects.current()
    # The same fraud determination as gates.fraud_basis: a violation code or a current item under a fraud rule.
    fraud_rules, fraud_codes = set(), set()
    for rule_id, code_id in PenaltyRule.objects.filter(is_fraud=True).values_list("pk", "violations__pk"):
        fraud_rules.add(rule_id)
        if code_id is not None:
            fraud_codes.add(code_id)
    case = OuterRef("pk")
    K = ProposedPenalty.Kind
    item_counts = {
        "termination": Count("pk", filter=Q(kind=K.TERMINATION)),
        "fine": Sum("amount", filter=Q(kind=K.FINE)),
    }
    needs = Q(termination__gt=0) | Q(fine__gte=thresholds.collective_fine)
    if fraud_rules:
        item_counts["fraud"] = Count("pk", filter=Q(rule_id__in=sorted(fraud_rules)))
        needs |= Q(fraud__gt=0)
    items = (
        ProposedPenalty.objects.filter(report__case_id=case, report__is_current=True)
        .values("report__case_id")
        .annotate(**item_counts)
        .filter(needs)
    )
    condition = Q(is_major=True) | Exists(items)
    if fraud_codes:
        codes = (
            Case.violation_types.through.objects.filter(case_id=case, violationtype_id__in=sorted(fraud_codes))
            .values("case_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=0)
        )
        condition |= Exists(codes)
    return condition


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
