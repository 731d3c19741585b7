"""Home page panels for leads and inspections; each count is what its link opens (the list's filters)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.inbox import InboxItem, InboxPart, acting_on, part, register_inbox
from portal.worklist import Panel, register_panel
from supervision.inspections.models import Inspection
from supervision.leads.models import Lead
from supervision.leads.transitions import TRANSITIONS
from supervision.org.models import Role


@register_panel
def lead_panels(user) -> list[Panel]:
    if not user.is_staff_member or not user.has_perm("supervision.view_lead"):
        return []
    leads = Lead.objects.visible_to(user)
    url = reverse("supervision:lead-list")
    panels = []
    if user.has_role(Role.ANALYST, Role.CHIEF):
        panels.append(
            Panel(
                _("New leads to dispatch"), leads.filter(status=Lead.Status.NEW).count(), f"{url}?status=new", "primary"
            )
        )
    if user.has_role(Role.CHIEF):
        panels.append(
            Panel(
                _("Leads under verification"),
                leads.filter(status=Lead.Status.VERIFYING).count(),
                f"{url}?status=verifying",
                "secondary",
            )
        )
    if user.has_role(Role.OFFICER):
        mine = leads.verifying().filter(assignee_id=user.pk)
        panels.append(Panel(_("Leads I verify"), mine.count(), f"{url}?mine=on&status=dispatched&status=verifying"))
    panels.append(Panel(_("Lead verifications overdue"), leads.overdue().count(), f"{url}?overdue=true", "danger"))
    return panels


@register_panel
def inspection_panels(user) -> list[Panel]:
    if not user.is_staff_member or not user.has_perm("supervision.view_inspection"):
        return []
    inspections = Inspection.objects.visible_to(user)
    url = reverse("supervision:inspection-list")
    panels = []
    if user.has_role(Role.OFFICER):
        mine = inspections.filter(members__user_id=user.pk, status__in=["planned", "in_progress"])
        panels.append(
            Panel(_("My inspections to carry out"), mine.count(), f"{url}?mine=on&status=planned&status=in_progress")
        )
    if user.has_role(Role.CHIEF):
        panels.append(
            Panel(
                _("Inspections to close"),
                inspections.filter(status="finished").count(),
                f"{url}?status=finished",
                "warning",
            )
        )
    return panels


def _lead_item(action, step):
    def make(lead):
        return InboxItem(
            kind=str(_("Lead")),
            label=f"{lead.institution.name} · {lead.received_on:%Y-%m-%d}",
            action=str(action),
            url=lead.get_absolute_url(),
            due=lead.verification_due if step != "dispatch" else None,
            key=f"lead:{lead.pk}:{step}",
            record_id=lead.pk,
        )

    return make


@register_inbox
def lead_inbox(user, limit) -> list[InboxPart]:
    """Leads to dispatch (analyst, chief), to verify (the assigned officer) and to conclude (the chief)."""
    if not user.has_perm("supervision.view_lead"):
        return []
    leads = Lead.objects.visible_to(user).select_related("institution")
    order = ("verification_due", "received_on", "pk")
    parts = [
        part(acting_on(leads, user, TRANSITIONS, "dispatch"), _lead_item(_("Dispatch for verification"), "dispatch"),
             limit, ("received_on", "pk")),
        part(leads.filter(status=Lead.Status.DISPATCHED, assignee_id=user.pk),
             _lead_item(_("Start verification"), "start_verification"), limit, order),
        part(leads.filter(status=Lead.Status.VERIFYING, assignee_id=user.pk),
             _lead_item(_("Verify and report the findings"), "verify"), limit, order),
        part(acting_on(leads, user, TRANSITIONS, "confirm").exclude(assignee_id=user.pk),
             _lead_item(_("Conclude the verification: confirm or dismiss"), "confirm"), limit, order),
    ]  # fmt: skip
    return [p for p in parts if p.total]


INSPECTION_STEPS = {
    Inspection.Status.PLANNED: (gettext_lazy("Carry out the inspection"), "start"),
    Inspection.Status.IN_PROGRESS: (gettext_lazy("Record the findings and finish the inspection"), "finish"),
}


def _inspection_item(inspection) -> InboxItem:
    action, step = INSPECTION_STEPS[inspection.status]
    return InboxItem(
        kind=_("Inspection"),
        label=f"{inspection.institution.name} · {inspection.title}",
        action=str(action),
        url=inspection.get_absolute_url(),
        due=inspection.planned_on if inspection.status == Inspection.Status.PLANNED else None,
        key=f"inspection:{inspection.pk}:{step}",
        record_id=inspection.pk,
    )


@register_inbox
def inspection_inbox(user, limit) -> list[InboxPart]:
    """The inspections the user is a member of that are still to be carried out (the panel's selection)."""
    if not user.has_perm("supervision.view_inspection"):
        return []
    mine = Inspection.objects.visible_to(user).filter(members__user_id=user.pk, status__in=list(INSPECTION_STEPS))
    found = part(mine.select_related("institution").distinct(), _inspection_item, limit, ("planned_on", "pk"))
    return [found] if found.total else []
