"""FilterSet of the reports list, shared by the staff page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.widgets import YesNoAll
from supervision.org.filters import ScopedFilterSet, SearchFilter
from supervision.reports.models import Report


class ReportFilter(ScopedFilterSet):
    q = SearchFilter(fields=("summary", "details", "institution__name", "institution__code"))
    kind = django_filters.ChoiceFilter(choices=Report.Kind.choices, label=_("Kind"))
    status = django_filters.MultipleChoiceFilter(choices=Report.Status.choices, label=_("Status"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Reply overdue"), widget=YesNoAll)
    received = django_filters.DateFromToRangeFilter(field_name="received_on", label=_("Received"))

    class Meta:
        model = Report
        fields = ["q", "jurisdiction", "kind", "status", "institution", "overdue", "received"]

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = qs.reply_overdue()
        return overdue if value else qs.exclude(pk__in=overdue.values("pk"))
