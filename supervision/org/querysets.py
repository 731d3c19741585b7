"""The one scoping rule: ``visible_to(user)`` on the queryset of every scoped model."""

from django.db import models
from django.db.models import Q

from portal.scoping import acting_units


class OrgUnitQuerySet(models.QuerySet):
    """Units; a unit is visible to staff of any unit (the org chart is not confidential)."""

    def visible_to(self, user) -> "OrgUnitQuerySet":
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_staff_member:
            return self.all()
        return self.none()

    def acting(self, user, perm: str) -> "OrgUnitQuerySet":
        """Units lying where ``user`` holds a role that may do ``perm`` (e.g. the branches a chief may choose)."""
        units = acting_units(user, perm)
        if not units:
            return self.none()
        condition = Q()
        for unit in units:
            condition |= Q(path__startswith=unit.path)
        return self.filter(condition)

    def subtree_of(self, unit) -> "OrgUnitQuerySet":
        return self.filter(path__startswith=unit.path)

    def branches(self) -> "OrgUnitQuerySet":
        return self.filter(kind="branch")
