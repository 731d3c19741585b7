"""Home page panels for enforcement work, counted within the user's scope."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcement.cases.models import Case
from enforcement.cases.queues import CASE_QUEUES
from portal.worklist import Panel, preview_count, register_panel
from supervision.org.models import Role

PREVIEW = 5


def _case_panel(user, cases, name: str, tone: str, title=None, preview=False) -> Panel:
    label, queue = CASE_QUEUES[name]
    selected = queue(cases, user)
    items = []
    count = None
    if preview:
        latest = list(selected.order_by("-opened_at", "-pk")[:PREVIEW])
        items = [(f"{c.number} {c.title}", c.get_absolute_url()) for c in latest]
        count = preview_count(latest, PREVIEW, selected)
    url = f"{reverse('enforcement:case-list')}?queue={name}"
    return Panel(str(title or label), selected.count() if count is None else count, url, tone, items)


@register_panel
def case_panels(user) -> list[Panel]:
    if not user.is_staff_member or not user.has_perm("enforcement.view_case"):
        return []
    cases = Case.objects.visible_to(user)
    panels = []
    if user.has_role(Role.CHIEF):
        panels.append(_case_panel(user, cases, "approval", "primary", preview=True))
    if user.has_role(Role.OFFICER):
        panels.append(_case_panel(user, cases, "mine", "secondary"))
        panels.append(_case_panel(user, cases, "my_overdue", "danger", preview=True))
    if user.has_role(Role.LEGAL_REVIEWER):
        panels.append(_case_panel(user, cases, "legal_review", "primary", preview=True))
    if user.has_role(Role.DIRECTOR):
        panels.append(_case_panel(user, cases, "major", "primary", preview=True))
        days = settings.PROCEDURE_CLOCKS["escalate_to_director_days"]
        title = _("Escalated: overdue more than %(days)s days") % {"days": days}
        panels.append(_case_panel(user, cases, "escalated", "danger", title=title))
    panels.append(_case_panel(user, cases, "overdue", "danger"))
    return panels
