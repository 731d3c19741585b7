"""Threshold gates (domain §5): which procedural gates apply to a case, and why.

Computed from the case's current report and the thresholds in force; the case page shows each gate with
its reasons, and the services enforce them.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from enforcement.cases.models import Case, ProposedPenalty
from enforcement.rules.models import Thresholds


@dataclass
class Gate:
    key: str
    label: str
    applies: bool = False
    reasons: list[str] = field(default_factory=list)

    def hold(self, reason: str) -> None:
        self.applies = True
        self.reasons.append(reason)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def evaluate(case: Case, report=None, thresholds: Thresholds | None = None) -> dict[str, Gate]:
    thresholds = thresholds or Thresholds.objects.current()
    report = report if report is not None else current_report(case)
    person = case.party_kind == Case.PartyKind.PERSON
    gates = {
        "hearing": Gate("hearing", _("Hearing right")),
        "legal_review": Gate("legal_review", _("Legal review")),
        "collective": Gate("collective", _("Collective discussion and director decision")),
        "simple": Gate("simple", _("Simple procedure eligible")),
    }
    if case.is_major:
        gates["legal_review"].hold(_("The case is marked major."))
        gates["collective"].hold(_("The case is marked major."))
    fraud = fraud_basis(case, report)
    if fraud:
        gates["collective"].hold(_("Fraud: %s") % "、".join(fraud))
    if case.hearing_held_on:
        gates["legal_review"].hold(
            _("A hearing was held: legal review after it, before the decision (APL Art 58 ¶1(2)).")
        )
    if report is None:
        return gates

    fine, returned = report.fine_total, report.return_total
    hearing_limit = thresholds.hearing_fine_person if person else thresholds.hearing_fine_org
    if fine >= hearing_limit:
        gates["hearing"].hold(
            _("Fine %(fine)s ≥ %(limit)s CNY.") % {"fine": _money(fine), "limit": _money(hearing_limit)}
        )
    if report.has_suspension:
        gates["hearing"].hold(_("Department service suspension proposed."))
    if report.recommends_termination:
        gates["hearing"].hold(_("Agreement termination proposed."))

    review_limit = thresholds.legal_review_person if person else thresholds.legal_review_org
    if fine + returned >= review_limit:
        gates["legal_review"].hold(
            _("Returned funds + fine %(sum)s ≥ %(limit)s CNY.")
            % {"sum": _money(fine + returned), "limit": _money(review_limit)}
        )
    if report.recommends_termination:
        gates["legal_review"].hold(_("Agreement termination proposed."))

    if fine >= thresholds.collective_fine:
        gates["collective"].hold(
            _("Fine %(fine)s ≥ %(limit)s CNY.") % {"fine": _money(fine), "limit": _money(thresholds.collective_fine)}
        )
    if report.recommends_termination:
        gates["collective"].hold(_("Agreement termination proposed."))

    kinds = {p.kind for p in report.penalties.all()}
    simple_limit = thresholds.simple_fine_person if person else thresholds.simple_fine_org
    if report.outcome == Case.Outcome.PENALTY and kinds <= {ProposedPenalty.Kind.WARNING, ProposedPenalty.Kind.FINE}:
        if fine <= simple_limit:
            gates["simple"].hold(
                _("Warning or fine ≤ %(limit)s CNY: eligible for on-the-spot procedure.")
                % {"limit": _money(simple_limit)}
            )
    return gates


def fraud_basis(case: Case, report=None) -> list[str]:
    """The one fraud determination (欺诈骗保), used by the collective-discussion gate, its work queue and credit's
    veto: a violation code under a fraud provision, or a proposed or decided item under one (e.g. a 分解住院 case
    fined under Art 40). Returns what makes it fraud, empty when it is not."""
    report = report if report is not None else current_report(case)
    found = [f"{v.name}（{v.rule}）" for v in case.violation_types.all() if v.rule_id and v.rule.is_fraud]
    if report is not None:
        rules = {p.rule_id: p.rule for p in report.penalties.all() if p.rule_id and p.rule.is_fraud}
        found += [str(rule) for rule in rules.values()]
    return list(dict.fromkeys(found))


def is_fraud(case: Case, report=None) -> bool:
    return bool(fraud_basis(case, report))


def _steps(case: Case, *actions: str) -> list[str]:
    return list(case.events.filter(action__in=actions).order_by("at", "pk").values_list("action", flat=True))


def heard_since_report(case: Case) -> bool:
    """A hearing was held on the report now in force (after the report's last approval)."""
    steps = _steps(case, "approve_report", "record_hearing")
    return bool(steps) and steps[-1] == "record_hearing"


def reviewed_after_hearing(case: Case) -> bool:
    """APL Art 58 ¶1(2): a legal review passed after the last hearing (true when there was no hearing)."""
    steps = _steps(case, "record_hearing", "pass_legal_review")
    if "record_hearing" not in steps:
        return True
    last_hearing = len(steps) - 1 - steps[::-1].index("record_hearing")
    return "pass_legal_review" in steps[last_hearing + 1 :]


def current_report(case: Case):
    reports = [r for r in case.reports.all() if r.is_current]
    return reports[0] if reports else None
