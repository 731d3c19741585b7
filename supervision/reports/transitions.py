"""The steps of a report (supervisor's or public): ``received → replied → closed`` (one table)."""

from django.utils.translation import gettext_lazy as _

from portal.transitions import TransitionTable, transition
from supervision.org.models import Role
from supervision.reports.models import Report

S = Report.Status

# State groups, named once.
OPEN = frozenset({S.RECEIVED, S.REPLIED})  # the branch may still reply

TRANSITIONS = TransitionTable(
    [
        # Every reply is recorded; the first one stops the reply clock.
        transition("reply", _("Send reply"), OPEN, S.REPLIED, perm="supervision.reply_report",
                   roles={Role.CHIEF, Role.OFFICER}),
        transition("close", _("Close the report"), {S.REPLIED}, S.CLOSED, perm="supervision.close_report",
                   roles={Role.CHIEF}, comment_required=True, style="outline-secondary"),
    ],
    state="status",
)  # fmt: skip
