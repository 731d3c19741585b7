"""The lead's steps: ``new → dispatched → verifying → dismissed | confirmed → converted`` (one table)."""

from django.utils.translation import gettext_lazy as _

from portal.transitions import TransitionTable, transition
from supervision.leads.models import Lead
from supervision.org.models import Role

L = Lead.Status

# State groups, named once.
OPEN = frozenset({L.NEW, L.DISPATCHED, L.VERIFYING})  # still to be decided
DECIDED = frozenset({L.DISMISSED, L.CONFIRMED, L.CONVERTED})
CONVERTIBLE = frozenset({L.CONFIRMED})  # may be followed up by a case or an agreement action

TRANSITIONS = TransitionTable(
    [
        transition("dispatch", _("Dispatch"), {L.NEW}, L.DISPATCHED, perm="supervision.dispatch_lead",
                   roles={Role.ANALYST, Role.CHIEF}, batchable=True),  # 批量分派 (portal.bulk)
        transition("start_verification", _("Start verification"), {L.DISPATCHED}, L.VERIFYING,
                   perm="supervision.verify_lead", roles={Role.OFFICER, Role.CHIEF}),
        transition("dismiss", _("Dismiss"), {L.VERIFYING}, L.DISMISSED, perm="supervision.decide_lead",
                   roles={Role.CHIEF}, comment_required=True, style="outline-danger"),
        transition("confirm", _("Confirm"), {L.VERIFYING}, L.CONFIRMED, perm="supervision.decide_lead",
                   roles={Role.CHIEF}),
        # Taken by the enforcement app when a confirmed lead becomes a case or an agreement action; that app
        # checks its own permission on the institution.
        transition("convert", _("Convert"), CONVERTIBLE, L.CONVERTED, perm="", internal=True),
    ],
    state="status",
    wrong_state=_("“%(action)s” is not allowed while the lead is “%(status)s”."),
    wrong_role=_("Your role may not do this for this lead."),
)  # fmt: skip
