"""The steps of an agreement action: ``proposed → approved → applied → ended``; a termination is approved by
the chief and then by the director (``proposed → chief_approved → approved``). One table."""

from django.utils.translation import gettext_lazy as _

from enforcement.agreement_actions.models import AgreementAction
from portal.transitions import TransitionTable, transition
from supervision.org.models import Role

S = AgreementAction.State

# State groups, named once.
UNDECIDED = frozenset({S.PROPOSED, S.CHIEF_APPROVED})  # awaiting an approval
IN_FORCE = frozenset({S.APPLIED, S.ENDED})  # applied (a suspension may have ended since): revocable


def stage_approvers(action: AgreementAction) -> tuple[str, ...]:
    """Who approves at the action's stage: a proposed termination goes to the chief first, its second
    signature is the director's; other measures are approved by the chief or the director."""
    if action.state == S.CHIEF_APPROVED:
        return (Role.DIRECTOR,)
    return (Role.CHIEF,) if action.needs_director else (Role.CHIEF, Role.DIRECTOR)


def may_approve(action: AgreementAction, user) -> bool:
    return action.proposed_by_id != user.pk and user.has_role(*stage_approvers(action))


def approve_refusal(action: AgreementAction, user) -> str:
    if action.proposed_by_id == user.pk:
        return _("Nobody approves their own proposal.")
    if action.state == S.CHIEF_APPROVED:
        return _("A termination is approved by the director as well.")
    return _("The chief approves first.")


TRANSITIONS = TransitionTable(
    [
        transition("approve", _("Approve"), UNDECIDED, None, perm="enforcement.approve_agreementaction",
                   roles={Role.CHIEF, Role.DIRECTOR}, guard=may_approve, refusal=approve_refusal,
                   help=_("A termination is approved by the chief and then by the director.")),
        transition("reject", _("Reject"), UNDECIDED, S.REJECTED, perm="enforcement.approve_agreementaction",
                   roles={Role.CHIEF, Role.DIRECTOR}, comment_required=True, style="outline-danger"),
        transition("apply", _("Apply"), {S.APPROVED}, S.APPLIED, perm="enforcement.apply_agreementaction",
                   roles={Role.FUND_OFFICER, Role.CHIEF}, style="success"),
        transition("revoke", _("Revoke"), IN_FORCE, S.WITHDRAWN, perm="enforcement.approve_agreementaction",
                   roles={Role.CHIEF, Role.DIRECTOR}, comment_required=True, style="outline-danger"),
    ],
)  # fmt: skip
