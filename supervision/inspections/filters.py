"""One FilterSet per list, shared by the HTML list, its Excel export and the API viewset."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.widgets import YesNoAll
from supervision.inspections.models import Inspection, RandomDraw
from supervision.org.filters import ScopedFilterSet, SearchFilter


class InspectionFilter(ScopedFilterSet):
    q = SearchFilter(fields=("title", "institution__name", "institution__code", "result"))
    kind = django_filters.ChoiceFilter(choices=Inspection.Kind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=Inspection.Status.choices, label=_("Status"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    draw = django_filters.NumberFilter(field_name="draw_id", label=_("Random draw"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("My team"), widget=forms.CheckboxInput)
    planned = django_filters.DateFromToRangeFilter(field_name="planned_on", label=_("Planned for"))

    class Meta:
        model = Inspection
        fields = ["q", "jurisdiction", "kind", "status", "institution", "draw", "mine", "planned"]

    def filter_mine(self, qs, name, value):
        user = getattr(self.request, "user", None)
        return qs.filter(members__user_id=user.pk) if value and user is not None else qs


class RandomDrawFilter(ScopedFilterSet):
    q = SearchFilter(fields=("title", "seed"))
    kind = django_filters.ChoiceFilter(choices=RandomDraw.Kind.choices, label=_("Kind"))
    published = django_filters.BooleanFilter(
        field_name="published_at",
        lookup_expr="isnull",
        exclude=True,
        label=_("Published"),
        widget=YesNoAll,
    )

    class Meta:
        model = RandomDraw
        fields = ["q", "jurisdiction", "kind", "published"]
