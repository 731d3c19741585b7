"""Home page panels for enforcement work, counted within the user's scope."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enforcement.cases.models import Case
from enforcement.cases.procedure import ACTIONS, TABLE
from enforcement.cases.querysets import CLOCK_STATES
from enforcement.cases.queues import CASE_QUEUES
from enforcement.cases.selectors import forward_actions
from portal.inbox import InboxItem, InboxPart, acting_on, part, register_inbox
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


# --- My inbox: the cases waiting on the user, per the procedure table and the work queues ---------------

FIRST_DUE = {"filing": "filing_due"}  # a case in filing waits for its filing decision, else the decision clock


def _running_due(case):
    """The earliest due date of the clocks that run in the case's state (CaseQuerySet.overdue's clocks)."""
    dues = [getattr(case, f) for f, states in CLOCK_STATES.items() if case.state in states and getattr(case, f)]
    return min(dues) if dues else None


def _case_item(case, action, step) -> InboxItem:
    return InboxItem(
        kind=_("Case"),
        label=f"{case.number} {case.title}",
        action=str(action),
        url=case.get_absolute_url(),
        due=_running_due(case),
        key=f"case:{case.pk}:{step}",
        record_id=case.pk,
    )


def _state_action(labels: dict, step: str):
    def make(case):
        return _case_item(case, labels.get(case.state, ACTIONS[step].label), case.state)

    return make


def _officer_step(user):
    """An assigned officer's next step: the state's forward steps the officer takes (procedure table)."""

    def make(case):
        steps = [a for a in forward_actions(case.state) if Role.OFFICER in a.roles]
        label = pgettext("enumeration", ", ").join(str(a.label) for a in steps) if steps else ""
        return _case_item(case, label, case.state)

    return make


QUEUE_ORDER = ("filing_due", "decision_due", "pk")


@register_inbox
def case_inbox(user, limit) -> list[InboxPart]:
    if not user.has_perm("enforcement.view_case"):
        return []
    cases = Case.objects.visible_to(user)
    parts = []
    if user.has_role(Role.CHIEF):
        labels = {
            "filing": _("Approve the filing (or decide not to file)"),
            "reviewing": _("Approve the investigation report"),
            "deciding": _("Decide the case"),
        }
        queue = CASE_QUEUES["approval"][1](cases, user)
        parts.append(part(queue, _state_action(labels, "approve_filing"), limit, QUEUE_ORDER))
    if user.has_role(Role.LEGAL_REVIEWER):
        queue = CASE_QUEUES["legal_review"][1](cases, user)
        labels = {"legal_review": _("Legal review of the decision")}
        parts.append(part(queue, _state_action(labels, "pass_legal_review"), limit, QUEUE_ORDER))
    if user.has_role(Role.DIRECTOR):
        queue = CASE_QUEUES["major"][1](cases, user)
        labels = {"deciding": _("Decide the major case after the collective discussion")}
        parts.append(part(queue, _state_action(labels, "decide"), limit, QUEUE_ORDER))
    if user.has_role(Role.OFFICER):
        # The assigned officer's cases in a state where the procedure waits on the officer.
        states = {s for a in ACTIONS.values() if a.style == "primary" and Role.OFFICER in a.roles for s in a.sources}
        queue = CASE_QUEUES["mine"][1](cases, user).filter(state__in=states).distinct()
        parts.append(part(queue, _officer_step(user), limit, ("decision_due", "filing_due", "pk")))
    if user.has_role(Role.FUND_OFFICER):
        # Recoveries: payments to record on decided cases being executed in the fund officer's units.
        queue = acting_on(cases, user, TABLE, "record_payment")
        labels = {"executing": ACTIONS["record_payment"].label}
        parts.append(part(queue, _state_action(labels, "record_payment"), limit, ("payment_due", "pk")))
    return [p for p in parts if p.total]
