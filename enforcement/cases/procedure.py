"""The general procedure (一般程序) as data: one table of actions (domain §4).

Each action names the states it may be taken in, the roles that may take it, whether an officer must be
assigned to the case, and what it needs. Views, the API and the services all ask this table; the service
``enforcement.services.cases.case_act`` enforces it. Action names are part of the API contract.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enforcement.cases.models import OPEN_STATES, CaseState
from portal.transitions import Transition, TransitionTable
from supervision.org.models import Role

S = CaseState
DECISION_CLOCK_STATES = frozenset(
    {S.INVESTIGATING, S.REVIEWING, S.LEGAL_REVIEW, S.NOTIFYING, S.NOTIFIED, S.HEARING, S.DECIDING}
)


@dataclass(frozen=True)
class Action(Transition):
    """A step of the case procedure: a portal ``Transition`` whose permission is ``enforcement.<name>`` and
    whose guard is the assignment rule (``assigned_only``: an officer taking it must be assigned)."""

    assigned_only: bool = False  # an officer taking it must be assigned to the case

    @property
    def permission(self) -> str:
        return f"enforcement.{self.name}"

    def allowed(self, obj, user) -> bool:
        return not self.assigned_only or assigned_or_other_role(obj, user, self)

    def refused(self, obj, user) -> Exception:
        return PermissionDenied(gettext("Only officers assigned to the case may do this."))


def _a(name, label, sources, target, roles, **kwargs) -> Action:
    return Action(name, label, frozenset(sources), target, frozenset(str(r) for r in roles), **kwargs)


OFFICER, CHIEF, LEGAL, DIRECTOR, FUND = Role.OFFICER, Role.CHIEF, Role.LEGAL_REVIEWER, Role.DIRECTOR, Role.FUND_OFFICER

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        # Batchable (批量批准立案, portal.bulk): the team is already assigned, a shared comment at most.
        _a("approve_filing", _("Approve filing"), {S.FILING}, S.INVESTIGATING, {CHIEF}, batchable=True,
           help=_("Assign at least two officers with valid certificates; starts the 90-day decision clock.")),
        _a("reject_filing", _("Do not file"), {S.FILING}, S.NOT_FILED, {CHIEF}, comment_required=True,
           style="outline-danger"),
        # Every state in which an assigned officer still has to act: a recusal or a take-over by the city
        # can leave the case without a team that may act, and only a new assignment completes it again.
        _a("assign_officers", _("Assign officers"), OPEN_STATES | {S.CLOSED}, None, {CHIEF},
           changes_state=False, style="outline-secondary"),
        _a("declare_recusal", _("Record a recusal"), OPEN_STATES, None, {CHIEF, DIRECTOR}, comment_required=True,
           changes_state=False, style="outline-secondary",
           help=_("An officer with a conflict of interest withdraws (回避); they are removed from the case.")),
        _a("submit_report", _("Submit investigation report"), {S.INVESTIGATING}, S.REVIEWING, {OFFICER},
           assigned_only=True, help=_("Proposed outcome with the articles and amounts.")),
        # Also after the notice: the party's statement may call for more investigation (then APL Art 45 holds).
        _a("return", _("Return for more investigation"), {S.REVIEWING, S.LEGAL_REVIEW, S.NOTIFIED, S.DECIDING},
           S.INVESTIGATING, {CHIEF, LEGAL}, comment_required=True, style="outline-danger"),
        _a("approve_report", _("Approve report"), {S.REVIEWING}, None, {CHIEF},
           help=_("Goes to legal review when a legal-review trigger holds.")),
        _a("pass_legal_review", _("Pass legal review"), {S.LEGAL_REVIEW}, S.NOTIFYING, {LEGAL}, comment_required=True),
        _a("issue_notice", _("Record prior notice served"), {S.NOTIFYING}, S.NOTIFIED, {OFFICER}, assigned_only=True,
           help=_("Opens the statement window and, where the party has the right, the hearing request window.")),
        _a("record_statement", _("Record statement and defence"), {S.NOTIFIED}, S.NOTIFIED, {OFFICER},
           assigned_only=True, changes_state=False, style="outline-secondary"),
        _a("request_hearing", _("Record hearing request"), {S.NOTIFIED}, S.HEARING, {OFFICER}, assigned_only=True),
        # APL Art 58 ¶1(2): a case that went through a hearing has its legal review after it, before the decision.
        _a("record_hearing", _("Record hearing held"), {S.HEARING}, S.LEGAL_REVIEW, {OFFICER}, assigned_only=True,
           help=_("The hearing is followed by the legal review (APL Art 58).")),
        _a("close_window", _("Close the statement window"), {S.NOTIFIED}, S.DECIDING, {OFFICER}, assigned_only=True),
        _a("record_discussion", _("Record collective discussion"), DECISION_CLOCK_STATES, None, {DIRECTOR},
           changes_state=False, style="outline-secondary"),
        _a("decide", _("Decide"), {S.DECIDING}, S.DECIDED, {CHIEF, DIRECTOR},
           help=_("The chief decides ordinary cases; major cases need a collective discussion and the director.")),
        _a("record_service", _("Record service of the decision"), {S.DECIDED}, S.EXECUTING, {OFFICER},
           assigned_only=True),
        _a("record_payment", _("Record payment"), {S.EXECUTING}, S.EXECUTING, {OFFICER, FUND}, assigned_only=True,
           changes_state=False),
        _a("close", _("Close case"), {S.EXECUTING}, S.CLOSED, {CHIEF}),
        _a("transfer", _("Transfer to another authority"), OPEN_STATES, S.TRANSFERRED, {CHIEF, DIRECTOR},
           comment_required=True, style="outline-danger",
           help=_("Ends the case here. A suspected crime goes to the police with “Report a transfer to the "
                  "police”, which keeps the case open.")),
        # 行刑衔接: a transfer of a suspected crime to the police is a step; the case stays open for the recovery
        # of the fund and the agreement measures (State Council Regulation on transfers, Arts 5 and 8).
        _a("report_police_transfer", _("Report a transfer to the police"), OPEN_STATES - {S.FILING}, None,
           {OFFICER}, assigned_only=True, changes_state=False, style="outline-danger",
           help=_("The head decides within 3 days; the case stays open for recovery.")),
        _a("decide_police_transfer", _("Decide on the transfer to the police"), OPEN_STATES - {S.FILING}, None,
           {DIRECTOR}, changes_state=False, style="outline-danger",
           help=_("Within 3 days of the report; an approved transfer is handed over within 24 hours.")),
        _a("hand_over_police", _("Record hand-over to the police"), OPEN_STATES - {S.FILING}, None,
           {OFFICER, CHIEF}, assigned_only=True, changes_state=False, style="outline-danger"),
        _a("record_police_feedback", _("Record the police's feedback"), OPEN_STATES - {S.FILING}, None,
           {OFFICER, CHIEF}, assigned_only=True, changes_state=False, style="outline-secondary",
           help=_("Accepted, or not accepted and returned: the administrative case continues either way.")),
        # Suspension (中止) stops the decision clock until the case resumes; excluded periods add to it.
        _a("suspend", _("Suspend the case (中止)"), DECISION_CLOCK_STATES, S.SUSPENDED, {CHIEF},
           comment_required=True, style="outline-secondary",
           help=_("The decision clock stops until the case resumes.")),
        _a("resume", _("Resume the case"), {S.SUSPENDED}, None, {CHIEF}, comment_required=True,
           help=_("The decision clock runs again, extended by the days suspended.")),
        _a("record_excluded_period", _("Record a period excluded from the clock"), DECISION_CLOCK_STATES, None,
           {OFFICER}, assigned_only=True, changes_state=False, style="outline-secondary",
           help=_("Service by public notice, or testing, inspection, quarantine or appraisal: not counted.")),
        # After the decision: reconsideration or litigation stops the surcharge (APL Art 73); the fine may be
        # deferred or paid in instalments with approval (APL Art 66).
        _a("record_appeal", _("Record reconsideration or litigation"), {S.DECIDED, S.EXECUTING}, None,
           {OFFICER, CHIEF}, assigned_only=True, changes_state=False, style="outline-secondary",
           help=_("The surcharge does not accrue while it is pending (APL Art 73); execution continues.")),
        _a("end_appeal", _("Record the end of reconsideration or litigation"), {S.DECIDED, S.EXECUTING}, None,
           {OFFICER, CHIEF}, assigned_only=True, changes_state=False, style="outline-secondary"),
        _a("propose_payment_plan", _("Propose deferred or instalment payment"), {S.DECIDED, S.EXECUTING}, None,
           {OFFICER, FUND}, assigned_only=True, changes_state=False, style="outline-secondary",
           help=_("On the party's application, for financial hardship (APL Art 66); the chief approves.")),
        _a("decide_payment_plan", _("Decide on the payment plan"), {S.DECIDED, S.EXECUTING}, None, {CHIEF},
           changes_state=False, style="outline-secondary"),
        _a("terminate", _("Terminate the case"), OPEN_STATES - {S.DECIDED, S.EXECUTING}, S.TERMINATED, {CHIEF},
           comment_required=True, style="outline-danger"),
        # 归档 (issue 15): the head checks the file is complete; the manifest's SHA-256 is recorded and the case,
        # its evidence and documents are read-only from then on.
        _a("archive", _("Archive"), {S.CLOSED}, S.ARCHIVED, {CHIEF},
           help=_("Needs a complete case file; records the SHA-256 of its manifest and freezes the case.")),
        # A decision set aside by reconsideration, a court or the bureau itself (撤销): the case ends and what
        # followed from the decision (credit points, public disclosure) is reversed, never deleted.
        _a("revoke_decision", _("Revoke the decision"), {S.DECIDED, S.EXECUTING, S.CLOSED}, S.TERMINATED, {DIRECTOR},
           comment_required=True, style="outline-danger",
           help=_("Record why and on what authority the decision was revoked; its consequences are reversed.")),
        _a("extend", _("Extend the decision deadline"), DECISION_CLOCK_STATES, None, {CHIEF}, comment_required=True,
           changes_state=False, style="outline-secondary",
           help=_("+30 days once by the chief; further extensions only after a recorded collective discussion.")),
        _a("supervise", _("Supervise (督办)"), OPEN_STATES, None, {DIRECTOR}, changes_state=False,
           style="outline-secondary"),
        _a("take_over", _("Take over to the city"), OPEN_STATES, None, {DIRECTOR}, comment_required=True,
           changes_state=False, style="outline-secondary"),
    ]
}  # fmt: skip


# The table the services, pages and the API ask (portal.transitions); ``ACTIONS`` above is its data.
TABLE = TransitionTable(
    ACTIONS.values(),
    wrong_state=_("“%(action)s” is not allowed while the case is “%(state)s”."),
    wrong_role=_("Your role may not take this action on this case."),
)


def available_actions(case, user, *, has_perm=None) -> list[Action]:
    """The actions ``user`` may take on ``case`` now (state, permission, assignment; input is checked on submit).

    ``has_perm(perm, case)`` defaults to ``user.has_perm``; a list passes a checker that read the page's grants
    at once (``portal.permissions.object_perm_checker``) so that no row costs a query.
    """
    return TABLE.available(case, user, has_perm)


def assigned_or_other_role(case, user, action) -> bool:
    """Officers act on cases they are assigned to; other roles listed for the action act by role."""
    other_roles = action.roles - {str(Role.OFFICER)}
    if other_roles and user.has_role(*other_roles):
        return True
    # all() rather than filter(): uses the assignments a list prefetched.
    return any(a.user_id == user.pk for a in case.assignments.all())
