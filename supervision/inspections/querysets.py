"""The one scoping rule: ``visible_to(user)`` on the queryset of every scoped model."""

from portal.scoping import ScopedQuerySet


class InspectionQuerySet(ScopedQuerySet):
    """Inspections; a cross-inspection team sees its records through guardian grants (visible_to)."""

    def open(self) -> "InspectionQuerySet":
        return self.filter(status__in=["planned", "in_progress", "finished"])


class RandomDrawQuerySet(ScopedQuerySet):
    """Random draws (双随机)."""

    def published(self) -> "RandomDrawQuerySet":
        """Results published (一公开): what the public pages show."""
        return self.filter(published_at__isnull=False)
