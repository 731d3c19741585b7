"""Named filters for cases; they chain after visible_to(user)."""

from django.db.models import Q
from django.utils import timezone

from portal.scoping import ScopedQuerySet

# States in which each clock runs (a due date in any other state is history, not a deadline).
CLOCK_STATES = {
    "filing_due": ["filing"],
    "decision_due": ["investigating", "reviewing", "legal_review", "notifying", "notified", "hearing", "deciding"],
    "service_due": ["decided"],
    "payment_due": ["executing"],
    "city_deadline": [
        "filing", "investigating", "reviewing", "legal_review", "notifying", "notified", "hearing", "deciding",
    ],
}  # fmt: skip


def _running(field: str, **lookup) -> Q:
    return Q(state__in=CLOCK_STATES[field], **{f"{field}__{k}": v for k, v in lookup.items()})


class CaseQuerySet(ScopedQuerySet):
    def open(self):
        from enforcement.cases.models import OPEN_STATES

        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today=None):
        """A clock that runs in the case's state has passed its due date."""
        today = today or timezone.localdate()
        condition = Q()
        for field in CLOCK_STATES:
            condition |= _running(field, lt=today)
        return self.filter(condition)

    def due_soon(self, days=5, today=None):
        from datetime import timedelta

        today = today or timezone.localdate()
        horizon = today + timedelta(days=days)
        condition = Q()
        for field in CLOCK_STATES:
            condition |= _running(field, gte=today, lte=horizon)
        return self.filter(condition)
