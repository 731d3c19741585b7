"""The recovery ledger's FilterSet, shared by the page, its Excel export, the API and the statistics."""

import django_filters
from django.utils.translation import gettext_lazy as _

from enforcement.recoveries.models import FUND_ROUTES, RecoveryEntry
from portal.widgets import YesNoAll
from supervision.org.filters import ScopedFilterSet, SearchFilter


class RecoveryEntryFilter(ScopedFilterSet):
    q = SearchFilter(fields=("party_name", "institution__name", "institution__code", "case__number", "reference"))
    entry = django_filters.MultipleChoiceFilter(choices=RecoveryEntry.Entry.choices, label=_("Entry"))
    route = django_filters.MultipleChoiceFilter(choices=RecoveryEntry.Route.choices, label=_("Route"))
    fund = django_filters.BooleanFilter(method="filter_fund", label=_("Returned to the fund"), widget=YesNoAll)
    on = django_filters.DateFromToRangeFilter(field_name="on", label=_("Date"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    case = django_filters.NumberFilter(field_name="case_id", label=_("Case"))
    agreement_action = django_filters.NumberFilter(field_name="agreement_action_id", label=_("Agreement action"))

    class Meta:
        model = RecoveryEntry
        fields = ["q", "jurisdiction", "entry", "route", "fund", "on", "institution", "case", "agreement_action"]

    def filter_fund(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(route__in=FUND_ROUTES) if value else qs.exclude(route__in=FUND_ROUTES)
