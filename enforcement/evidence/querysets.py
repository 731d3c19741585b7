"""Scoping of a case's evidence and evidence records: whoever sees the case sees them (out of scope ⇒ 404)."""

from django.db import models


class CaseRecordQuerySet(models.QuerySet):
    """Records that belong to a case take the case's scope (its jurisdiction and grants), in one subquery."""

    def visible_to(self, user) -> "CaseRecordQuerySet":
        from enforcement.cases.models import Case

        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))

    def current(self) -> "CaseRecordQuerySet":
        """Evidence versions in force (not superseded by a correction)."""
        return self.filter(superseded_by__isnull=True)
