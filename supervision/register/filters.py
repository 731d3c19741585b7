"""One FilterSet per list, shared by the HTML list, its Excel export and the API viewset."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.widgets import YesNoAll
from supervision.org.filters import ScopedFilterSet, SearchFilter
from supervision.register.models import Agreement, Institution


class InstitutionFilter(ScopedFilterSet):
    q = SearchFilter(fields=("name", "code", "credit_code", "legal_representative", "address"))
    kind = django_filters.ChoiceFilter(choices=Institution.Kind.choices, label=_("Kind"))
    level = django_filters.ChoiceFilter(choices=Institution.Level.choices, label=_("Hospital level"))
    status = django_filters.ChoiceFilter(
        field_name="agreement_status", choices=Agreement.Status.choices, label=_("Agreement status")
    )
    credit_grade = django_filters.ChoiceFilter(choices=[(g, g) for g in "ABCDE"], label=_("Credit grade"))
    is_public = django_filters.BooleanFilter(label=_("Public institution"), widget=YesNoAll)

    class Meta:
        model = Institution
        fields = ["q", "jurisdiction", "kind", "level", "status", "credit_grade", "is_public"]


class AgreementFilter(ScopedFilterSet):
    q = SearchFilter(fields=("number", "institution__name", "institution__code"))
    status = django_filters.ChoiceFilter(choices=Agreement.Status.choices, label=_("Status"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("In force on"))
    valid_from = django_filters.DateFromToRangeFilter(label=_("Valid from"))
    valid_to = django_filters.DateFromToRangeFilter()  # labelled from the model field

    class Meta:
        model = Agreement
        fields = ["q", "jurisdiction", "institution", "status", "valid_on", "valid_from", "valid_to"]

    def filter_valid_on(self, qs, name, value):
        return qs.in_force_on(value) if value else qs
