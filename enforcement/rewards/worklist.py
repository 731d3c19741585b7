"""My inbox: whistleblower rewards to check and approve (the chief; nobody approves their own proposal)."""

from django.utils.translation import gettext as _

from enforcement.rewards.models import Reward
from enforcement.rewards.transitions import TRANSITIONS
from portal.inbox import InboxItem, InboxPart, acting_on, part, register_inbox


def _reward_item(reward) -> InboxItem:
    return InboxItem(
        kind=_("Reward"),
        label=str(reward),
        action=_("Check the eligibility and approve the reward (or reject it)"),
        url=reward.get_absolute_url(),
        key=f"reward:{reward.pk}:approve",
        record_id=reward.pk,
    )


@register_inbox
def reward_inbox(user, limit) -> list[InboxPart]:
    if not user.has_perm("enforcement.view_reward"):
        return []
    # The transition's guard (not_the_proposer) as a filter.
    rewards = acting_on(Reward.objects.visible_to(user), user, TRANSITIONS, "approve").exclude(proposed_by=user)
    found = part(rewards.select_related("case"), _reward_item, limit, ("proposed_at", "pk"))
    return [found] if found.total else []
