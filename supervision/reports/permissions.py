"""Named permissions, home panels, audit verbs and the daily job of supervisors and reports (issue 6)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.permissions import register
from portal.worklist import Panel, register_panel
from supervision.org.models import AUDIT_VERBS, Role
from supervision.permissions import STAFF
from supervision.reports.models import Report

register(
    {
        # Supervisors read only their own reports: ReportQuerySet.visible_to narrows them before any check.
        "supervision.view_report": STAFF | {Role.SUPERVISOR},
        "supervision.submit_report": {Role.SUPERVISOR},
        "supervision.reply_report": {Role.CHIEF, Role.OFFICER},
        "supervision.close_report": {Role.CHIEF},  # the handling branch's chief closes a replied report
        "supervision.view_supervisorappointment": STAFF,
    }
)

for verb, label in (
    ("submit_report", gettext_lazy("report submitted")),
    ("reply_report", gettext_lazy("replied to the reporter")),
    ("close_report", gettext_lazy("report closed")),
    ("appoint", gettext_lazy("appointed")),
    ("dismiss_supervisor", gettext_lazy("appointment ended")),
    ("expire_appointment", gettext_lazy("term ended")),
):
    AUDIT_VERBS.setdefault(verb, label)


@register_panel
def report_panels(user) -> list[Panel]:
    """Branch home page: reports awaiting a reply, and those whose reply is overdue."""
    if not user.is_staff_member or not user.has_perm("supervision.view_report"):
        return []
    reports = Report.objects.visible_to(user)
    url = reverse("supervision:report-list")
    overdue = reports.reply_overdue().select_related("institution").order_by("reply_due")
    return [
        Panel(_("Reports awaiting a reply"), reports.awaiting_reply().count(), f"{url}?status=received", "primary"),
        Panel(
            _("Report replies overdue"),
            overdue.count(),
            f"{url}?overdue=true",
            "danger",
            [(f"{r.institution.name} · {r.reply_due:%Y-%m-%d}", r.get_absolute_url()) for r in overdue[:5]],
        ),
    ]
