"""What the case page shows of the legal-fidelity rules: limitation period, clock pauses, transfer to the police,
payment plan and the ground for not penalising (the same clocks the services use)."""

from datetime import date

from enforcement.cases import clocks
from enforcement.cases.penalties import NO_PENALTY_GROUNDS
from enforcement.models import CasePause


def legal_panel(case, report, today: date) -> dict:
    """Context for templates/enforcement/legal/_case_legal.html (reads the detail page's prefetches only)."""
    pauses = list(case.pauses.all())
    clock_pauses = [p for p in pauses if p.kind in CasePause.DECISION_CLOCK]
    suspension = next((p for p in clock_pauses if p.kind == CasePause.Kind.SUSPENSION and not p.ended_on), None)
    plan = next((p for p in reversed(case.payment_plans.all()) if p.state != p.State.REJECTED), None)
    ground = NO_PENALTY_GROUNDS.get(report.no_penalty_ground) if report and report.no_penalty_ground else None
    return {
        "limitation": clocks.limitation(case),
        "clock_pauses": clock_pauses,
        "appeals": [p for p in pauses if p.kind in CasePause.SURCHARGE],
        "open_suspension": suspension,
        "suspended_days": suspension.days(today) if suspension else 0,
        "paused_days": clocks.paused_days(case, today, closed_only=False),
        "police_transfers": list(case.police_transfers.all()),
        "transfer_badges": clocks.transfer_clocks(case, today),
        "payment_plan": plan,
        "no_penalty_ground": ground,
    }


def applicable(actions, case) -> list:
    """The case page's buttons: the steps of a transfer, an appeal, a payment plan or a suspension only when there
    is one to act on (the services refuse the others with 409 anyway)."""
    transfers = {t.state for t in case.police_transfers.all()}
    open_appeal = any(p.kind in CasePause.SURCHARGE and not p.ended_on for p in case.pauses.all())
    proposed_plan = any(p.state == p.State.PROPOSED for p in case.payment_plans.all())
    needs = {
        "report_police_transfer": not transfers & {"reported", "approved", "handed_over"},
        "decide_police_transfer": "reported" in transfers,
        "hand_over_police": "approved" in transfers,
        "record_police_feedback": "handed_over" in transfers,
        "record_appeal": not open_appeal,
        "end_appeal": open_appeal,
        "propose_payment_plan": bool(case.fine_amount) and not proposed_plan,
        "decide_payment_plan": proposed_plan,
    }
    return [a for a in actions if needs.get(a.name, True)]
