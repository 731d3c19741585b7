"""Named filters for cases; they chain after visible_to(user)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from supervision.querysets import ScopedQuerySet

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
        from enforcement.models.cases import OPEN_STATES

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


class DocumentQuerySet(ScopedQuerySet):
    """Issued documents: the scope rule on their own jurisdiction, plus the grants of the record they belong to
    (whoever was granted a case or an agreement action sees its documents), in the same single query."""

    def _granted_q(self, user) -> Q:
        from enforcement.models import AgreementAction, Case
        from supervision.querysets import grant_tables

        condition = super()._granted_q(user)
        for field, model in (("case_id", Case), ("agreement_action_id", AgreementAction)):
            codename = f"view_{model._meta.model_name}"
            for grant_model, owner_filter in grant_tables(model, user):
                granted = grant_model.objects.filter(permission__codename=codename, **owner_filter)
                condition |= Q(**{f"{field}__in": granted.values("content_object_id")})
        return condition

    def current(self) -> "DocumentQuerySet":
        """The versions in force (not superseded by a correction)."""
        return self.filter(superseded_at__isnull=True)


class PrintBatchQuerySet(models.QuerySet):
    """Print batches belong to the user who asked for them; nobody else sees one."""

    def visible_to(self, user) -> "PrintBatchQuerySet":
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(created_by_id=user.pk)
