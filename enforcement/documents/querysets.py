"""Named filters for cases; they chain after visible_to(user)."""

from django.db import models
from django.db.models import Q

from portal.scoping import ScopedQuerySet


class DocumentQuerySet(ScopedQuerySet):
    """Issued documents: the scope rule on their own jurisdiction, plus the grants of the record they belong to
    (whoever was granted a case or an agreement action sees its documents), in the same single query."""

    def _granted_q(self, user) -> Q:
        from enforcement.agreement_actions.models import AgreementAction
        from enforcement.cases.models import Case
        from portal.scoping import grant_tables

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
