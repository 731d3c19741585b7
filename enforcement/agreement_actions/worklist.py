"""Home page panels for enforcement work, counted within the user's scope."""

from django.urls import reverse

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.queues import AGREEMENT_ACTION_QUEUES
from enforcement.cases.worklist import PREVIEW
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
