"""The one scoping rule: ``visible_to(user)`` on the queryset of every scoped model."""

from django.db.models import OuterRef, Subquery

from portal.scoping import ScopedQuerySet


class InstitutionQuerySet(ScopedQuerySet):
    """Institutions: the register is also public to social supervisors (they pick from it)."""

    def _public_to(self, user) -> bool:
        return user.has_role("supervisor")

    def with_agreement_status(self) -> "InstitutionQuerySet":
        """Annotate the status of the most recent agreement (one subquery, no per-row query)."""
        from supervision.register.models import Agreement

        latest = Agreement.objects.filter(institution=OuterRef("pk")).order_by("-valid_from", "-pk")
        return self.annotate(agreement_status=Subquery(latest.values("status")[:1]))


class AgreementQuerySet(ScopedQuerySet):
    """Service agreements."""

    def in_force_on(self, day) -> "AgreementQuerySet":
        return self.filter(valid_from__lte=day, valid_to__gte=day)
