""" "Needs a collective discussion and the director" is written twice: per case in Python (``gates.evaluate``,
for the case page and the services) and in SQL (``queues.needs_director_q``, for the director's queue and the
chief's approval queue). Over a generated set of cases — major or not, fraud or not, fines around the
threshold, several penalty items, reports returned and rewritten — both answer the same."""

import random
from decimal import Decimal

from enforcement.cases import gates
from enforcement.cases.models import Case, ProposedPenalty, Report
from enforcement.cases.queues import needs_director_q
from enforcement.rules.models import Thresholds, ViolationType
from tests.factories import CaseFactory

K = ProposedPenalty.Kind


def amounts_around(limit: Decimal) -> list[Decimal]:
    return [Decimal("0"), Decimal("1000"), limit - Decimal("0.01"), limit, limit + Decimal("0.01"), limit / 2]


def add_report(case, rng, limit, *, current: bool, by) -> Report:
    report = Report.objects.create(
        case=case, outcome=Case.Outcome.PENALTY, findings="调查查明", proposed_by=by, is_current=current
    )
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice(K.values)
        amount = rng.choice(amounts_around(limit)) if kind in (K.FINE, K.RETURN_FUNDS, K.CONFISCATION) else 0
        ProposedPenalty.objects.create(report=report, kind=kind, amount=amount, months=3 if kind == K.SUSPENSION else 0)
    return report


def generated_cases(b01_institution, by, thresholds, count=80) -> list[Case]:
    rng = random.Random(20261206)
    limit = thresholds.collective_fine
    violation_types = list(ViolationType.objects.select_related("rule"))
    assert any(v.rule_id and v.rule.is_fraud for v in violation_types), "the reference data has a fraud provision"
    assert any(not (v.rule_id and v.rule.is_fraud) for v in violation_types)
    cases = []
    for _ in range(count):
        case = CaseFactory(
            institution=b01_institution,
            is_major=rng.random() < 0.2,
            party_kind=rng.choice(Case.PartyKind.values),
            amount_involved=rng.choice(amounts_around(limit)),
        )
        case.violation_types.set(rng.sample(violation_types, rng.randint(0, 2)))
        shape = rng.choice(["none", "current", "returned+current", "returned only"])
        if shape.startswith("returned"):
            add_report(case, rng, limit, current=False, by=by)
        if shape in ("current", "returned+current"):
            add_report(case, rng, limit, current=True, by=by)
        cases.append(case)
    # The edges, written out: two fines that reach the threshold only together, and a termination alone.
    for items in (
        [(K.FINE, limit / 2), (K.FINE, limit / 2)],
        [(K.FINE, limit - 1), (K.WARNING, 0)],
        [(K.TERMINATION, 0)],
    ):
        case = CaseFactory(institution=b01_institution)
        report = Report.objects.create(case=case, outcome=Case.Outcome.PENALTY, findings="调查查明", proposed_by=by)
        for kind, amount in items:
            ProposedPenalty.objects.create(report=report, kind=kind, amount=amount)
        cases.append(case)
    return cases


def test_gates_and_the_sql_queue_agree_on_who_needs_the_director(cast, b01_institution):
    thresholds = Thresholds.objects.current()
    cases = generated_cases(b01_institution, cast.b01_officer, thresholds)
    ids = [c.pk for c in cases]
    loaded = Case.objects.filter(pk__in=ids).prefetch_related(
        "violation_types__rule", "reports__penalties"
    )  # what the case page prefetches
    by_python = {c.pk for c in loaded if gates.evaluate(c, thresholds=thresholds)["collective"].applies}
    by_sql = set(Case.objects.filter(pk__in=ids).filter(needs_director_q(thresholds)).values_list("pk", flat=True))
    disagreements = sorted(by_python ^ by_sql)
    assert disagreements == [], [
        (pk, "gates" if pk in by_python else "queue", gates.evaluate(Case.objects.get(pk=pk))["collective"].reasons)
        for pk in disagreements
    ]
    # The generated set is not trivial: both answers occur.
    assert 0 < len(by_python) < len(ids)
