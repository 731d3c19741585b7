"""Reads of a case shared by its page and the API.

``next_steps`` says, in plain words, who must act on a case now and what is still missing (issue 15 item 5).
It is computed from the procedure table (the state's forward steps — the ``primary`` actions — and the roles
that take them) and from the same guards the services apply (the team of two certified officers, the gates,
the statement window, the hearing notice period, what is still to be paid). It reads only what the case page
prefetches (``enforcement.cases.views.case_detail_queryset``): no line costs a query.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enforcement.cases import clocks, gates
from enforcement.cases.models import Case, CaseOfficer, CaseState
from enforcement.cases.procedure import ACTIONS, DECISION_CLOCK_STATES, Action, available_actions
from enforcement.legal.selectors import applicable
from portal.permissions import object_perm_checker
from supervision.org.models import Role

S = CaseState

# Domain §1: legal reviewers and directors sit in the city bureau; the other roles act in the case's unit.
BUREAU_ROLES = frozenset({str(Role.LEGAL_REVIEWER), str(Role.DIRECTOR)})
ROLE_ORDER = [str(r) for r in Role]


@dataclass
class NextStep:
    """One line of "what happens next": who acts, the sentence, what is still missing, and whether the viewer
    may take the step now."""

    who: str
    text: str
    missing: list[str] = field(default_factory=list)
    can_act: bool = False


def _bureau(unit):
    while unit.parent_id:
        unit = unit.parent  # the detail queryset joins the jurisdiction's parent
    return unit


def who_acts(case: Case, roles) -> str:
    """The roles in words with their unit: "东湖分局 负责人", "东湖分局 执法人员或经办稽核员"."""
    by_unit: dict[str, list[str]] = {}
    for role in sorted(roles, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else len(ROLE_ORDER)):
        unit = _bureau(case.jurisdiction) if role in BUREAU_ROLES else case.jurisdiction
        by_unit.setdefault(unit.name, []).append(str(Role(role).label))
    alternatives = pgettext("joins alternatives", " or ")
    return alternatives.join(f"{unit} {alternatives.join(labels)}" for unit, labels in by_unit.items())


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _join(parts: list[str]) -> str:
    return pgettext("joins clauses", "; ").join(parts)


def _team_missing(case: Case, on: date) -> list[str]:
    """The team guard of ``services._check_team``: two assigned officers with certificates valid on the day."""
    recused = {r.user_id for r in case.recusals.all()}
    certified = [a for a in case.assignments.all() if a.user.has_valid_certificate(on) and a.user_id not in recused]
    if len(certified) >= 2:
        return []
    if certified:
        return [_("a second officer with a valid enforcement certificate must be assigned")]
    return [_("two officers with valid enforcement certificates must be assigned")]


def _past_hearing_notice(notice_on: date, today: date) -> bool:
    # Seven working days never span more than the calendar's horizon (clocks.add_working_days): past it, no
    # need to read the calendar.
    span = clocks.clock("hearing_notice_working_days") * 2 + 30
    return today - notice_on > timedelta(days=span)


@dataclass
class _Step:
    applies: bool = True
    roles: frozenset | None = None
    missing: list[str] = field(default_factory=list)
    due: str = ""  # the step's clock: a key of clocks.CLOCK_LABELS (a date field of the case, or a transfer's)
    due_on: date | None = None
    text: str = ""  # a sentence of its own instead of "awaiting who: action"


def _guards(case: Case, action: Action, context: dict) -> _Step:
    """What the service's guards of ``action`` still need on ``case`` (mirrors enforcement.cases.services)."""
    today, gate = context["today"], context["gates"]
    name = action.name
    if name == "approve_filing":
        return _Step(missing=_team_missing(case, today), due="filing_due")
    if name == "request_hearing":
        due = case.hearing_request_due
        if not gate["hearing"].applies or due is None or today > due:
            return _Step(applies=False)
        text = _("The party may ask for a hearing until %(date)s; then %(who)s: %(action)s.") % {
            "date": due, "who": who_acts(case, action.roles), "action": action.label,
        }  # fmt: skip
        return _Step(text=text)
    if name == "close_window":
        due = case.hearing_request_due
        missing = [_("the statement window is open until %(date)s") % {"date": due}] if due and today <= due else []
        return _Step(missing=missing)
    if name == "record_hearing" and case.hearing_notice_on:
        if not _past_hearing_notice(case.hearing_notice_on, today):
            earliest = clocks.hearing_earliest(case.hearing_notice_on)
            if today < earliest:
                return _Step(missing=[_("the hearing is held on %(date)s at the earliest") % {"date": earliest}])
        return _Step()
    if name == "decide":
        return _decide_guards(case, action, context)
    if name == "record_service":
        return _Step(due="service_due")
    if name == "record_payment":
        left = context["outstanding"]
        if left <= 0:
            return _Step(applies=False)
        return _Step(missing=[_("%(amount)s CNY is still to be paid") % {"amount": _money(left)}], due="payment_due")
    if name == "close":
        left = context["outstanding"]
        if left > 0:
            return _Step(missing=[_("everything paid, or a closing on court enforcement or write-off with a reason")])
        return _Step()
    if action.assigned_only:
        return _Step(missing=_team_missing(case, today) if case.state in DECISION_CLOCK_STATES else [])
    return _Step()


def _decide_guards(case: Case, action: Action, context: dict) -> _Step:
    gate, report = context["gates"], context["report"]
    missing, roles = [], action.roles
    if gate["collective"].applies:
        # services._decide: a collective discussion first, then the director decides.
        roles = action.roles & {str(Role.DIRECTOR)}
        if not any(d.purpose == "decision" for d in case.discussions.all()):
            who = who_acts(case, ACTIONS["record_discussion"].roles)
            missing.append(_("a collective discussion must be recorded (%(who)s)") % {"who": who})
    steps = [e.action for e in case.events.all()]
    if gate["legal_review"].applies and "pass_legal_review" not in steps:
        missing.append(_("the legal review must be passed"))
    if report is not None and _heard_but_not_reviewed(steps):
        missing.append(_("after the hearing, the legal review must be passed"))
    return _Step(roles=roles, missing=missing)


def _heard_but_not_reviewed(steps: list[str]) -> bool:
    """gates.heard_since_report and not gates.reviewed_after_hearing, on the prefetched timeline."""
    relevant = [s for s in steps if s in ("approve_report", "record_hearing", "pass_legal_review")]
    hearings = [i for i, s in enumerate(relevant) if s == "record_hearing"]
    approvals = [i for i, s in enumerate(relevant) if s == "approve_report"]
    if not hearings or (approvals and approvals[-1] > hearings[-1]):
        return False
    return "pass_legal_review" not in relevant[hearings[-1] + 1 :]


def _ended(case: Case) -> str:
    """The sentence of a case whose procedure has ended (no forward step)."""
    if case.state == S.ARCHIVED:
        return _("Archived: the case file can no longer be changed.")
    if case.state == S.NOT_FILED:
        return _("Not filed: the procedure has ended.")
    if case.state == S.TRANSFERRED:
        return _("Transferred to %(to)s: the procedure here has ended.") % {"to": case.transferred_to}
    if case.state == S.TERMINATED:
        return _("Terminated: the procedure has ended.")
    return _("Nothing is due on this case now.")


def forward_actions(state: str) -> list[Action]:
    """The state's forward steps: the table's primary actions taken in it (exits and side steps are styled
    otherwise)."""
    return [a for a in ACTIONS.values() if state in a.sources and a.style == "primary"]


def pending_side_steps(case: Case) -> list[tuple[str, str, date | None]]:
    """Steps a record beside the procedure waits for: (action, clock label key, due), from the prefetches."""
    steps = []
    for transfer in case.police_transfers.all():
        if transfer.state == transfer.State.REPORTED:
            steps.append(("decide_police_transfer", "transfer_approval", transfer.approval_due))
        elif transfer.state == transfer.State.APPROVED:
            due = timezone.localdate(transfer.handover_due) if transfer.handover_due else None
            steps.append(("hand_over_police", "transfer_handover", due))
    if any(plan.state == plan.State.PROPOSED for plan in case.payment_plans.all()):
        steps.append(("decide_payment_plan", "", None))
    return steps


def _line(case: Case, action: Action, step: _Step, mine: set, user) -> NextStep:
    roles = step.roles if step.roles is not None else action.roles
    who = who_acts(case, roles)
    text = step.text
    if not text:
        text = _("Awaiting %(who)s: %(action)s") % {"who": who, "action": action.label}
        if step.due_on:
            text = _("%(text)s (%(clock)s due %(date)s)") % {
                "text": text, "clock": clocks.CLOCK_LABELS[step.due], "date": step.due_on,
            }  # fmt: skip
    # The step's own guard may narrow who acts (a major case: the director decides, not the chief).
    can_act = action.name in mine and (step.roles is None or user.has_role(*step.roles))
    return NextStep(who, _join([text, *step.missing]), step.missing, can_act)


def next_steps(case: Case, user, *, actions=None, thresholds=None, today: date | None = None) -> list[NextStep]:
    """Who must act on ``case`` now and what is missing, one line per forward step, then what ``user`` may do.

    ``actions`` are the user's available actions when the caller has them (the case page); ``thresholds`` the
    thresholds in force. ``case`` comes from the detail queryset, whose prefetches are all this reads.
    """
    today = today or timezone.localdate()
    if actions is None:
        checker = object_perm_checker(user, [case])
        actions = applicable(available_actions(case, user, has_perm=checker), case)
    mine = {a.name for a in actions}
    report = gates.current_report(case)
    context = {
        "today": today,
        "report": report,
        "gates": gates.evaluate(case, report, thresholds),
        "outstanding": clocks.outstanding_total(case, today) if case.state == S.EXECUTING else Decimal("0"),
    }
    lines = []
    for action in forward_actions(case.state):
        step = _guards(case, action, context)
        if not step.applies:
            continue
        if not step.due and case.state in DECISION_CLOCK_STATES:
            step.due = "decision_due"
        step.due_on = getattr(case, step.due) if step.due else None
        lines.append(_line(case, action, step, mine, user))
    if case.is_open:
        for name, clock, due in pending_side_steps(case):
            lines.append(_line(case, ACTIONS[name], _Step(due=clock, due_on=due), mine, user))
    if not lines:
        lines.append(NextStep("", _ended(case)))
    if actions:
        labels = pgettext("enumeration", ", ").join(str(a.label) for a in actions)
        lines.append(NextStep(_("You"), _("You can: %(actions)s") % {"actions": labels}, [], True))
    return lines


def list_cells(case_ids) -> tuple[dict[int, list[tuple[str, str]]], dict[int, list[tuple[str, bool]]]]:
    """The violations ``(code, name)`` and officers ``(name, is lead)`` of the listed cases, as plain tuples: two
    queries a page and no model instance per cell (issue 19). Orders as the models do (ViolationType by code,
    CaseOfficer lead first then by assignment); an officer's name is what ``str(user)`` writes."""
    violations, officers = {}, {}
    through = Case.violation_types.through.objects.filter(case_id__in=case_ids)
    for case_id, code, name in through.order_by("violationtype__code").values_list(
        "case_id", "violationtype__code", "violationtype__name"
    ):
        violations.setdefault(case_id, []).append((code, name))
    assignments = CaseOfficer.objects.filter(case_id__in=case_ids).order_by("-is_lead", "assigned_at")
    for case_id, full_name, username, is_lead in assignments.values_list(
        "case_id", "user__full_name", "user__username", "is_lead"
    ):
        officers.setdefault(case_id, []).append((full_name or username, is_lead))
    return violations, officers
