"""The one scoping rule: ``visible_to(user)`` on the queryset of every scoped model.

A staff user sees a record when its jurisdiction unit lies in the subtree of one of the user's scope units
(city-wide units see everything), or when an explicit guardian grant names the record for the user or one
of their groups. Both parts are combined in a single SQL query; nothing else in the code filters by scope.
"""

from django.db import models
from django.db.models import OuterRef, Q, Subquery


def subtree_units(units) -> models.QuerySet:
    """Ids of every unit in the subtrees of ``units`` (a subquery, not evaluated)."""
    from supervision.models import OrgUnit

    condition = Q()
    for unit in units:
        # The org table is small, so a prefix match on it is cheap on both engines; the big table is
        # filtered by jurisdiction_id IN (...), which uses its own index.
        condition |= Q(path__startswith=unit.path)
    return OrgUnit.objects.filter(condition).values("pk")


class ScopedQuerySet(models.QuerySet):
    """QuerySet of a model with a ``jurisdiction`` foreign key and guardian direct-FK grant tables."""

    jurisdiction_field = "jurisdiction"

    def visible_to(self, user) -> "ScopedQuerySet":
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if self._public_to(user):
            return self.all()
        scope_units = user.scope_units()
        if any(unit.parent_id is None for unit in scope_units):
            return self.all()  # a city-wide unit sees the whole city
        condition = self._granted_q(user)
        if scope_units:
            condition |= Q(**{f"{self.jurisdiction_field}_id__in": subtree_units(scope_units)})
        if not condition:
            return self.none()
        return self.filter(condition)

    def in_subtree(self, unit) -> "ScopedQuerySet":
        """Records whose jurisdiction lies under ``unit`` (a filter the user chooses; applied after scope)."""
        return self.filter(**{f"{self.jurisdiction_field}_id__in": subtree_units([unit])})

    def _public_to(self, user) -> bool:
        """Hook: some registers are public to every signed-in user of a given kind."""
        return False

    def _granted_q(self, user) -> Q:
        codename = f"view_{self.model._meta.model_name}"
        condition = Q()
        for grant_model, owner_filter in grant_tables(self.model, user):
            granted = grant_model.objects.filter(permission__codename=codename, **owner_filter)
            condition |= Q(pk__in=granted.values("content_object_id"))
        return condition


def grant_tables(model, user) -> list:
    """The model's guardian direct-FK grant tables, each with the filter selecting ``user``'s rows."""
    tables = []
    for related_name, owner_filter in (
        ("user_grants", {"user_id": user.pk}),
        ("group_grants", {"group__user": user.pk}),
    ):
        descriptor = getattr(model, related_name, None)
        if descriptor is not None:
            tables.append((descriptor.rel.related_model, owner_filter))
    return tables


class OrgUnitQuerySet(models.QuerySet):
    """Units; a unit is visible to staff of any unit (the org chart is not confidential)."""

    def visible_to(self, user) -> "OrgUnitQuerySet":
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.is_staff_member:
            return self.all()
        return self.none()

    def subtree_of(self, unit) -> "OrgUnitQuerySet":
        return self.filter(path__startswith=unit.path)

    def branches(self) -> "OrgUnitQuerySet":
        return self.filter(kind="branch")


class InstitutionQuerySet(ScopedQuerySet):
    """Institutions: the register is also public to social supervisors (they pick from it)."""

    def _public_to(self, user) -> bool:
        return user.has_role("supervisor")

    def with_agreement_status(self) -> "InstitutionQuerySet":
        """Annotate the status of the most recent agreement (one subquery, no per-row query)."""
        from supervision.models import Agreement

        latest = Agreement.objects.filter(institution=OuterRef("pk")).order_by("-valid_from", "-pk")
        return self.annotate(agreement_status=Subquery(latest.values("status")[:1]))


class AgreementQuerySet(ScopedQuerySet):
    """Service agreements."""

    def in_force_on(self, day) -> "AgreementQuerySet":
        return self.filter(valid_from__lte=day, valid_to__gte=day)


class LeadQuerySet(ScopedQuerySet):
    """Leads; named filters chain after visible_to(user)."""

    def open(self) -> "LeadQuerySet":
        return self.filter(status__in=["new", "dispatched", "verifying", "confirmed"])

    def verifying(self) -> "LeadQuerySet":
        """Dispatched or under verification: the verification clock runs."""
        return self.filter(status__in=["dispatched", "verifying"])

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


class InspectionQuerySet(ScopedQuerySet):
    """Inspections; a cross-inspection team sees its records through guardian grants (visible_to)."""

    def open(self) -> "InspectionQuerySet":
        return self.filter(status__in=["planned", "in_progress", "finished"])


class RandomDrawQuerySet(ScopedQuerySet):
    """Random draws (双随机)."""

    def published(self) -> "RandomDrawQuerySet":
        """Results published (一公开): what the public pages show."""
        return self.filter(published_at__isnull=False)
