"""FilterSets of the credit lists, shared by the pages, the Excel export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from credit.models import Assessment, CreditRating, RepairApplication
from supervision.org.filters import ScopedFilterSet, SearchFilter

GRADES = [(g, g) for g in "ABCDE"]


class CreditRatingFilter(ScopedFilterSet):
    q = SearchFilter(fields=("institution__name", "institution__code"))
    year = django_filters.NumberFilter(label=_("Year"))
    grade = django_filters.MultipleChoiceFilter(choices=GRADES, label=_("Grade"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    vetoed = django_filters.BooleanFilter(method="filter_vetoed", label=_("Vetoed"))

    class Meta:
        model = CreditRating
        fields = ["q", "jurisdiction", "year", "grade", "institution", "vetoed"]

    def filter_vetoed(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(veto_reason="") if value else qs.filter(veto_reason="")


class RepairApplicationFilter(ScopedFilterSet):
    q = SearchFilter(fields=("institution__name", "institution__code", "reasons"))
    state = django_filters.ChoiceFilter(choices=RepairApplication.State.choices, label=_("State"))
    status = django_filters.ChoiceFilter(field_name="state", choices=RepairApplication.State.choices,
                                         label=_("State"))  # fmt: skip
    year = django_filters.NumberFilter(label=_("Year"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))

    class Meta:
        model = RepairApplication
        fields = ["q", "jurisdiction", "state", "year", "institution"]


class AssessmentFilter(ScopedFilterSet):
    q = SearchFilter(fields=("community", "lead_institution__name"))
    year = django_filters.NumberFilter(field_name="preset__year", label=_("Year"))
    institution = django_filters.NumberFilter(field_name="lead_institution_id", label=_("Institution"))

    class Meta:
        model = Assessment
        fields = ["q", "jurisdiction", "year", "institution"]
