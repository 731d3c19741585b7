"""Who may add evidence to a case and when, and the steps of a preservation (先行登记保存) and of a sealing (封存),
each in one table that the buttons, the API and the services ask."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enforcement.cases.models import CaseState
from enforcement.cases.procedure import DECISION_CLOCK_STATES
from enforcement.evidence.models import Preservation, Sealing
from portal.transitions import TransitionTable, transition
from supervision.org.models import Role

S = CaseState
P = Preservation.State
OFFICER, CHIEF, DIRECTOR = Role.OFFICER, Role.CHIEF, Role.DIRECTOR
HEADS = frozenset({str(CHIEF), str(DIRECTOR)})  # 机关负责人: the branch chief or the bureau's leaders

# The case states in which evidence is gathered: the case is open and not decided yet (the decision fixes the
# facts it rests on; a correction afterwards is a new version only while the case is still open before it).
COLLECTING = DECISION_CLOCK_STATES  # investigating … deciding; not filing, not decided, not archived

ADD_EVIDENCE = "enforcement.add_evidence"
REQUEST_PRESERVATION = "enforcement.request_preservation"
APPROVE_PRESERVATION = "enforcement.approve_preservation"
SEAL = "enforcement.seal_evidence"


def acts_on_case(case, user) -> bool:
    """Officers act on the cases they are assigned to; chiefs and directors in scope act by role."""
    if user.has_role(CHIEF, DIRECTOR):
        return True
    return any(a.user_id == user.pk for a in case.assignments.all())


def _not_own_request(preservation, user) -> bool:
    return preservation.requested_by_id != user.pk  # maker–checker


def _assigned(record, user) -> bool:
    return acts_on_case(record.case, user)


NOT_ASSIGNED = _("Only officers assigned to the case may do this.")

PRESERVATION = TransitionTable(
    [
        transition("approve", _("Approve the preservation"), {P.REQUESTED}, P.PRESERVED, perm=APPROVE_PRESERVATION,
                   roles=HEADS, guard=_not_own_request, refusal=_("Nobody approves their own request.")),
        transition("reject", _("Do not approve"), {P.REQUESTED}, P.REJECTED, perm=APPROVE_PRESERVATION,
                   roles=HEADS, comment_required=True, style="outline-danger", guard=_not_own_request,
                   refusal=_("Nobody approves their own request.")),
        transition("decide", _("Decide on the preserved items"), {P.PRESERVED}, P.DECIDED,
                   perm=APPROVE_PRESERVATION, roles=HEADS,
                   help=_("Within 7 working days of the preservation (APL Art 56).")),
    ],
    wrong_state=_("“%(action)s” is not allowed while the preservation is “%(state)s”."),
    wrong_role=_("Only the head of the unit approves and decides on a preservation of evidence."),
)  # fmt: skip

SEALING = TransitionTable(
    [
        transition("lift", _("Lift the sealing"), {Sealing.State.SEALED}, Sealing.State.LIFTED, perm=SEAL,
                   roles={OFFICER, CHIEF}, comment_required=True, style="outline-secondary", guard=_assigned,
                   refusal=NOT_ASSIGNED),
    ],
    wrong_state=_("“%(action)s” is not allowed while the sealing is “%(state)s”."),
    wrong_role=_("Your role may not lift this sealing."),
)  # fmt: skip


def collecting_refusal(case) -> str:
    """Why evidence cannot be gathered on ``case`` now (a 409 message)."""
    if case.state in (S.FILING, S.NOT_FILED):
        return gettext("Evidence is gathered once the filing is approved, while the case is investigated.")
    return gettext("The case is decided or ended: its evidence can no longer be changed.")
