"""The steps of a credit repair application: ``submitted → approved | refused``. One table."""

from django.utils.translation import gettext_lazy as _

from credit.models import RepairApplication
from portal.transitions import TransitionTable, transition
from supervision.org.models import Role

S = RepairApplication.State

# State groups, named once.
DECIDED = frozenset({S.APPROVED, S.REFUSED})


def not_the_applicant(application: RepairApplication, user) -> bool:
    return application.submitted_by_id != user.pk


REPAIR_TRANSITIONS = TransitionTable(
    [
        transition("approve", _("Approve repair"), {S.SUBMITTED}, S.APPROVED, perm="credit.decide_repairapplication",
                   roles={Role.CHIEF}, guard=not_the_applicant, refusal=_("Nobody approves their own proposal.")),
        transition("refuse", _("Refuse"), {S.SUBMITTED}, S.REFUSED, perm="credit.decide_repairapplication",
                   roles={Role.CHIEF}, guard=not_the_applicant, refusal=_("Nobody approves their own proposal."),
                   comment_required=True, style="outline-danger"),
    ],
)  # fmt: skip
