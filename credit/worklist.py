"""Home page panel for credit work: repair applications awaiting the chief's decision (within scope)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from credit.models import RepairApplication
from credit.transitions import REPAIR_TRANSITIONS
from portal.inbox import InboxPart, acting_on, part, record_item, register_inbox
from portal.worklist import Panel, preview_count, register_panel
from supervision.org.models import Role


@register_panel
def repair_panels(user) -> list[Panel]:
    if not user.has_role(Role.CHIEF) or not user.has_perm("credit.decide_repairapplication"):
        return []
    pending = RepairApplication.objects.visible_to(user).filter(state=RepairApplication.State.SUBMITTED)
    latest = list(pending.select_related("institution")[:5])
    items = [(str(a), a.get_absolute_url()) for a in latest]
    url = f"{reverse('credit:repair-list')}?state=submitted"
    return [Panel(_("Credit repair awaiting decision"), preview_count(latest, 5, pending), url, "warning", items)]


@register_inbox
def repair_inbox(user, limit) -> list[InboxPart]:
    if not user.has_perm("credit.decide_repairapplication"):
        return []
    # The transition's guard (not_the_applicant) as a filter.
    queue = acting_on(RepairApplication.objects.visible_to(user), user, REPAIR_TRANSITIONS, "approve")
    found = part(
        queue.exclude(submitted_by=user).select_related("institution"),
        record_item(_("Credit repair"), _("Decide the credit repair application"), "repair", "decide"),
        limit,
        ("submitted_at", "pk"),
    )
    return [found] if found.total else []
