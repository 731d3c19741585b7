"""The steps of a screening run (one table): ``pending`` (queued for the worker) → ``running`` → ``done`` or
``failed``; a queued or running run may be cancelled (a running one stops at its next rule and keeps nothing).

``start``, ``finish`` and ``fail`` are the worker's (``services.run_execute``: internal, no button); ``cancel``
is the analyst's and city chief's, offered by the run page and the API and checked by ``services.run_cancel``.
"""

from django.utils.translation import gettext_lazy as _

from portal.transitions import TransitionTable, transition
from supervision.org.models import Role
from supervision.screening.imports import may_screen
from supervision.screening.models import ScreeningRun

S = ScreeningRun.Status
RUN = "supervision.run_screening"
OPEN = frozenset({S.PENDING, S.RUNNING})  # not yet final: may still be cancelled


def _screener(run, user) -> bool:
    return may_screen(user, RUN)


TRANSITIONS = TransitionTable(
    [
        transition("start", _("Start the run"), {S.PENDING}, S.RUNNING, perm=RUN, internal=True),
        transition("finish", _("Finish the run"), {S.RUNNING}, S.DONE, perm=RUN, internal=True),
        transition("fail", _("Record the failure"), OPEN, S.FAILED, perm=RUN, internal=True),
        transition("cancel", _("Cancel the run"), OPEN, S.CANCELLED, perm=RUN, roles={Role.ANALYST, Role.CHIEF},
                   guard=_screener, refusal=_("Your role may not run screening."), style="outline-danger"),
    ],
    state="status",
)  # fmt: skip
