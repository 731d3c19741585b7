"""Issue 6 wiring, called from EnforcementConfig.ready: reward permissions, navigation, audit verbs, the daily
jobs (publishing what is due, waiving unclaimed rewards) and withdrawing what a revocation undoes."""

from django.utils.translation import gettext_lazy as _

from portal.permissions import register
from supervision.org.models import Role
from supervision.permissions import STAFF

register(
    {
        "enforcement.view_reward": STAFF,
        "enforcement.add_reward": {Role.OFFICER, Role.CHIEF},
        "enforcement.approve_reward": {Role.CHIEF},
        "enforcement.pay_reward": {Role.FUND_OFFICER, Role.CHIEF},
    }
)


def register_all() -> None:
    from enforcement.public.services import disclosures_publish_due, outcome_hook
    from enforcement.rewards.services import CHECK_LABELS, rewards_waive_due
    from portal.context_processors import NAVIGATION
    from portal.outcomes import register_outcome_hook
    from supervision.org.models import AUDIT_KEYS, AUDIT_VERBS
    from supervision.register.services import AGREEMENT_REFRESH_HOOKS

    for hook in (disclosures_publish_due, rewards_waive_due):
        if hook not in AGREEMENT_REFRESH_HOOKS:
            AGREEMENT_REFRESH_HOOKS.append(hook)
    register_outcome_hook(outcome_hook)
    if "enforcement:reward-list" not in {url_name for _label, url_name, _perm in NAVIGATION}:
        NAVIGATION.append((_("Rewards"), "enforcement:reward-list", "enforcement.view_reward"))
    for verb, label in (("claim", _("claim recorded")), ("waive", _("waived")), ("withdraw", _("withdrawn"))):
        AUDIT_VERBS.setdefault(verb, label)
    for key, label in CHECK_LABELS.items():  # a reward's eligibility checks, each under its label in the history
        AUDIT_KEYS.setdefault(key, label)
