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
    fraud = [v for v in case.violation_types.all() if v.rule_id and v.rule.is_fraud]
    if fraud:
        gates["collective"].hold(_("Fraud (Regulation Art 40): %s") % "、".join(v.name for v in fraud))
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
    if gates["hearing"].applies:
        gates["legal_review"].hold(_("The party has a hearing right."))

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


def current_report(case: Case):
    reports = [r for r in case.reports.all() if r.is_current]
    return reports[0] if reports else None
