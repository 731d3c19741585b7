"""The one scoping rule: ``visible_to(user)`` on the queryset of every scoped model."""

from django.db.models import Q

from portal.scoping import ScopedQuerySet

# The statuses in which the verification clock runs (the partial index lead_verification_run_idx holds them).
VERIFYING_STATUSES = ["dispatched", "verifying"]


class LeadQuerySet(ScopedQuerySet):
    """Leads; named filters chain after visible_to(user)."""

    def open(self) -> "LeadQuerySet":
        return self.filter(status__in=["new", "dispatched", "verifying", "confirmed"])

    def verifying(self) -> "LeadQuerySet":
        """Dispatched or under verification: the verification clock runs."""
        return self.filter(status__in=VERIFYING_STATUSES)

    def overdue(self, today=None) -> "LeadQuerySet":
        from django.utils import timezone

        return self.verifying().filter(verification_due__lt=today or timezone.localdate())


class ImportBatchQuerySet(ScopedQuerySet):
    """Import batches: the scope rule, and the importer always sees their own batches."""

    def visible_to(self, user) -> "ImportBatchQuerySet":
        scoped = super().visible_to(user)
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return scoped
        return self.filter(Q(pk__in=scoped.values("pk")) | Q(created_by_id=user.pk))
