"""Computing a rating from its events: the arithmetic, item by item (no writes; ``credit.services`` stores it).

score = start points + Σ per scheme item (Σ of its events' points, stopped at the item's cap), never below 0;
grade by the scheme's bands, or E when a veto holds: an active veto event (fraud, termination, transfer to the
police, as the scheme lists them) or violations ≥ the scheme's share (5‰) of the year's fund settlement.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from credit.models import CreditEvent, CreditItem, CreditScheme, SettlementAmount
from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.models import Case

ZERO, CENT = Decimal("0"), Decimal("0.01")
T = CreditItem.Trigger


def _s(value: Decimal) -> str:
    return str(value.quantize(CENT))


def violation_total(institution_id: int, year: int) -> tuple[Decimal, list[str]]:
    """Violation amounts of the year: decided penalty cases not revoked (their amount involved) and applied
    refused payments and recoveries that belong to no case (a case's own measures are in its amount)."""
    cases = (
        Case.objects.filter(institution_id=institution_id, outcome=Case.Outcome.PENALTY, decided_on__year=year)
        .exclude(events__action="revoke_decision")
        .values_list("number", "amount_involved")
    )
    actions = AgreementAction.objects.filter(
        institution_id=institution_id,
        kind__in=[AgreementAction.Kind.REFUSE_PAYMENT, AgreementAction.Kind.RECOVER],
        state__in=[AgreementAction.State.APPLIED, AgreementAction.State.ENDED],
        case__isnull=True,
        applied_at__year=year,
    ).values_list("pk", "amount")
    total, sources = ZERO, []
    for number, amount in cases:
        total += amount
        sources.append(f"{number}: {_s(amount)}")
    for pk, amount in actions:
        total += amount
        sources.append(_("agreement action %(pk)s: %(amount)s") % {"pk": pk, "amount": _s(amount)})
    return total, sources


def compute(institution_id: int, year: int, scheme: CreditScheme | None = None) -> dict:
    """The rating of one institution and year as data: score, grade, veto reasons and the breakdown."""
    scheme = scheme or CreditScheme.objects.for_year(year)
    items = {item.trigger: item for item in scheme.items.all()}
    events = list(
        CreditEvent.objects.filter(institution_id=institution_id, year=year)
        .select_related("reversed_by")
        .order_by("occurred_on", "pk")
    )
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[str, int] = defaultdict(int)
    labels: dict[str, str] = {}
    vetoes: list[str] = []
    for event in events:
        sums[event.trigger] += event.points
        counts[event.trigger] += -1 if event.reverses_id else 1
        labels.setdefault(event.trigger, event.label)
        reversed_ = hasattr(event, "reversed_by") and event.reversed_by is not None
        if event.is_veto and event.reverses_id is None and not reversed_:
            vetoes.append(f"{event.label}：{event.source_label}")
    lines = []
    total = ZERO
    for trigger, raw in sums.items():
        item = items.get(trigger)
        applied = raw
        if item is not None and item.cap is not None:
            applied = max(raw, -item.cap) if raw < 0 else min(raw, item.cap)
        total += applied
        if raw or counts[trigger]:
            lines.append(
                {
                    "trigger": trigger,
                    "label": item.label if item else labels[trigger],
                    "count": counts[trigger],
                    "per_event": _s(item.signed_points) if item else "",
                    "sum": _s(raw),
                    "cap": _s(item.cap) if item and item.cap is not None else "",
                    "applied": _s(applied),
                }
            )
    score = scheme.start_points + total
    floored = score < 0
    score = max(score, ZERO).quantize(CENT)
    settlement = None
    ratio_item = items.get(T.SETTLEMENT_RATIO)
    if ratio_item is not None:
        row = SettlementAmount.objects.filter(institution_id=institution_id, year=year).first()
        if row is not None and row.amount > 0:
            violations, sources = violation_total(institution_id, year)
            limit = (row.amount * ratio_item.points / 1000).quantize(CENT)
            settlement = {
                "amount": _s(row.amount),
                "permille": _s(ratio_item.points),
                "limit": _s(limit),
                "violations": _s(violations),
                "sources": sources,
                "vetoed": violations >= limit,
            }
            if violations >= limit:
                message = _(
                    "%(label)s: violations %(violations)s ≥ %(permille)s‰ of the fund settlement %(amount)s (%(limit)s)"
                )
                vetoes.append(
                    message
                    % {
                        "label": ratio_item.label,
                        "violations": _s(violations),
                        "permille": _s(ratio_item.points),
                        "amount": _s(row.amount),
                        "limit": _s(limit),
                    }
                )
    grade = "E" if vetoes else scheme.grade_for(score)
    return {
        "scheme": scheme,
        "score": score,
        "grade": grade,
        "veto_reason": "；".join(vetoes)[:500],
        "breakdown": {
            "start": _s(scheme.start_points),
            "lines": lines,
            "total": _s(total),
            "floored": floored,
            "score": _s(score),
            "bands": [[g, _s(v)] for g, v in scheme.bands()],
            "vetoes": vetoes,
            "settlement": settlement,
            "scheme_year": scheme.year,
        },
    }
