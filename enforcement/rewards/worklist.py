"""My inbox: whistleblower rewards to check and approve (the chief; nobody approves their own proposal)."""

from django.utils.translation import gettext as _

from enforcement.rewards.models import Reward
from enforcement.rewards.transitions import TRANSITIONS
from portal.inbox import InboxPart, acting_on, part, record_item, register_inbox


@register_inbox
def reward_inbox(user, limit) -> list[InboxPart]:
    if not user.has_perm("enforcement.view_reward"):
        return []
    # The transition's guard (not_the_proposer) as a filter.
    rewards = acting_on(Reward.objects.visible_to(user), user, TRANSITIONS, "approve").exclude(proposed_by=user)
    found = part(
        rewards.select_related("case"),
        record_item(_("Reward"), _("Check the eligibility and approve the reward (or reject it)"), "reward", "approve"),
        limit,
        ("proposed_at", "pk"),
    )
    return [found] if found.total else []
