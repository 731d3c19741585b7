"""FilterSets shared by the case and agreement-action pages, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.queues import AGREEMENT_ACTION_QUEUES, apply_queue
from supervision.org.filters import ScopedFilterSet, SearchFilter


class AgreementActionFilter(ScopedFilterSet):
    q = SearchFilter(fields=("institution__name", "institution__code", "grounds"))
    kind = django_filters.ChoiceFilter(choices=AgreementAction.Kind.choices, label=_("Kind"))
    state = django_filters.ChoiceFilter(choices=AgreementAction.State.choices, label=_("State"))
    status = django_filters.ChoiceFilter(field_name="state", choices=AgreementAction.State.choices, label=_("State"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    starts_on = django_filters.DateFromToRangeFilter(label=_("Starts on"))
    applied = django_filters.DateFromToRangeFilter(field_name="applied_at__date", label=_("Applied on"))
    queue = django_filters.ChoiceFilter(
        choices=[(k, label) for k, (label, _f) in AGREEMENT_ACTION_QUEUES.items()],
        method="filter_queue",
        label=_("Work queue"),
    )

    class Meta:
        model = AgreementAction
        fields = ["q", "jurisdiction", "kind", "state", "institution", "starts_on"]

    def filter_queue(self, qs, name, value):
        user = getattr(self.request, "user", None)
        return apply_queue(AGREEMENT_ACTION_QUEUES, value, qs, user) if value else qs
