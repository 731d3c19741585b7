"""Scope of investigation records: whoever sees the case sees its records (one subquery, grants included)."""

from django.db import models


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RecordQuerySet":
        from enforcement.cases.models import Case

        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))
