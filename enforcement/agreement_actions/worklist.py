"""Home page panels for enforcement work, counted within the user's scope."""

from django.urls import reverse
from django.utils.translation import gettext as _

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.queues import AGREEMENT_ACTION_QUEUES
from enforcement.cases.worklist import PREVIEW
from portal.inbox import InboxPart, part, record_item, register_inbox
from portal.worklist import Panel, preview_count, register_panel
from supervision.org.models import Role


@register_panel
def agreement_action_panels(user) -> list[Panel]:
    if not user.has_role(Role.CHIEF, Role.DIRECTOR) or not user.has_perm("enforcement.approve_agreementaction"):
        return []
    label, queue = AGREEMENT_ACTION_QUEUES["approval"]
    selected = queue(AgreementAction.objects.visible_to(user), user)
    latest = list(selected.select_related("institution")[:PREVIEW])
    items = [(str(a), a.get_absolute_url()) for a in latest]
    url = f"{reverse('enforcement:agreementaction-list')}?queue=approval"
    return [Panel(str(label), preview_count(latest, PREVIEW, selected), url, "warning", items)]


@register_inbox
def agreement_action_inbox(user, limit) -> list[InboxPart]:
    if not user.has_role(Role.CHIEF, Role.DIRECTOR) or not user.has_perm("enforcement.approve_agreementaction"):
        return []
    queue = AGREEMENT_ACTION_QUEUES["approval"][1](AgreementAction.objects.visible_to(user), user)
    found = part(
        queue.select_related("institution"),
        record_item(
            _("Agreement action"), _("Approve the agreement action (or reject it)"), "agreementaction", "approve"
        ),
        limit,
        ("pk",),
    )
    return [found] if found.total else []
