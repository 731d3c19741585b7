"""The steps of a whistleblower reward: ``proposed → approved → claimed`` (or rejected; unclaimed rewards
are waived by the daily job). One table."""

from django.utils.translation import gettext_lazy as _

from enforcement.rewards.models import Reward
from portal.transitions import TransitionTable, transition
from supervision.org.models import Role

S = Reward.State

# State groups, named once.
DECIDED = frozenset({S.APPROVED, S.REJECTED, S.CLAIMED, S.WAIVED})


def not_the_proposer(reward: Reward, user) -> bool:
    return reward.proposed_by_id != user.pk


TRANSITIONS = TransitionTable(
    [
        transition("approve", _("Approve"), {S.PROPOSED}, S.APPROVED, perm="enforcement.approve_reward",
                   roles={Role.CHIEF}, guard=not_the_proposer, refusal=_("Nobody approves their own proposal."),
                   batchable=True),  # 批量批准 (portal.bulk): the amount was set when proposed
        transition("reject", _("Reject"), {S.PROPOSED}, S.REJECTED, perm="enforcement.approve_reward",
                   roles={Role.CHIEF}, comment_required=True, style="outline-danger"),
        # The claim must also fall within the claim period: the service checks the date it is given.
        transition("claim", _("Record the claim"), {S.APPROVED}, S.CLAIMED, perm="enforcement.pay_reward",
                   roles={Role.FUND_OFFICER, Role.CHIEF}, style="success"),
    ],
)  # fmt: skip
