"""My inbox: reports whose reply to the reporter is awaited from the user's branch (chief or officer)."""

from django.utils.translation import gettext as _

from portal.inbox import InboxItem, InboxPart, acting_on, part, register_inbox
from supervision.reports.models import Report
from supervision.reports.transitions import TRANSITIONS


def _report_item(report) -> InboxItem:
    return InboxItem(
        kind=report.get_kind_display(),
        label=f"{report.institution.name} · {report.summary}",
        action=_("Reply to the reporter"),
        url=report.get_absolute_url(),
        due=report.reply_due,
        key=f"report:{report.pk}:reply",
        record_id=report.pk,
    )


@register_inbox
def report_inbox(user, limit) -> list[InboxPart]:
    if not user.has_perm("supervision.view_report"):
        return []
    reports = acting_on(Report.objects.visible_to(user), user, TRANSITIONS, "reply").awaiting_reply()
    found = part(reports.select_related("institution"), _report_item, limit, ("reply_due", "pk"))
    return [found] if found.total else []
