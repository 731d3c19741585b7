"""The steps of an inspection (``planned → in_progress → finished → closed``, or cancelled) and of a random
draw's publication, each in one table."""

from django.utils.translation import gettext_lazy as _

from portal.transitions import TransitionTable, transition
from supervision.inspections.models import Inspection, RandomDraw
from supervision.org.models import Role

S = Inspection.Status

# State groups, named once.
OPEN = frozenset({S.PLANNED, S.IN_PROGRESS, S.FINISHED})
STARTED = frozenset({S.IN_PROGRESS, S.FINISHED, S.CLOSED})  # its findings may be followed up
ENDED = frozenset({S.CLOSED, S.CANCELLED})

TRANSITIONS = TransitionTable(
    [
        transition("start", _("Start"), {S.PLANNED}, S.IN_PROGRESS, perm="supervision.change_inspection",
                   roles={Role.OFFICER, Role.CHIEF}),
        transition("add_finding", _("Record a finding"), {S.IN_PROGRESS}, None, changes_state=False,
                   perm="supervision.change_inspection", roles={Role.OFFICER, Role.CHIEF}),
        transition("finish", _("Finish"), {S.IN_PROGRESS}, S.FINISHED, perm="supervision.change_inspection",
                   roles={Role.OFFICER, Role.CHIEF}),
        transition("close", _("Close"), {S.FINISHED}, S.CLOSED, perm="supervision.close_inspection",
                   roles={Role.CHIEF}),
        transition("cancel", _("Cancel"), {S.PLANNED, S.IN_PROGRESS}, S.CANCELLED, comment_required=True,
                   perm="supervision.close_inspection", roles={Role.CHIEF}, style="outline-danger"),
    ],
    state="status",
    wrong_state=_("“%(action)s” is not allowed while the inspection is “%(status)s”."),
    wrong_role=_("Your role may not do this for this inspection."),
)  # fmt: skip

# A draw has no state field: it is published once it has a publication date.
DRAWN, PUBLISHED = "drawn", "published"


def draw_state(draw: RandomDraw) -> str:
    return PUBLISHED if draw.is_published else DRAWN


DRAW_TRANSITIONS = TransitionTable(
    [
        transition("publish", _("Publish the result (一公开)"), {DRAWN}, PUBLISHED,
                   perm="supervision.publish_randomdraw", roles={Role.CHIEF, Role.DIRECTOR}),
    ],
    state=draw_state,
    state_labels={DRAWN: _("Drawn"), PUBLISHED: _("Published")},
    wrong_role=_("Your role may not publish this draw."),
)  # fmt: skip
