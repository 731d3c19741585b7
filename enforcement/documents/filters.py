"""FilterSets shared by the case and agreement-action pages, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from enforcement.documents.models import Document, DocumentKind
from portal.widgets import YesNoAll
from supervision.org.filters import ScopedFilterSet, SearchFilter


class DocumentFilter(ScopedFilterSet):
    q = SearchFilter(
        fields=("number", "case__number", "case__party_name", "case__title", "agreement_action__institution__name")
    )
    kind = django_filters.MultipleChoiceFilter(choices=DocumentKind.choices, label=_("Kind"))
    issued = django_filters.DateFromToRangeFilter(field_name="issued_at__date", label=_("Issued"))
    current = django_filters.BooleanFilter(method="filter_current", label=_("Version in force"), widget=YesNoAll)
    case = django_filters.NumberFilter(field_name="case_id", label=_("Case"))

    class Meta:
        model = Document
        fields = ["q", "jurisdiction", "kind", "issued", "current", "case"]

    def filter_current(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(superseded_at__isnull=value)
