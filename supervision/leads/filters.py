"""One FilterSet per list, shared by the HTML list, its Excel export and the API viewset."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.widgets import YesNoAll
from supervision.leads.models import ImportBatch, Lead
from supervision.org.filters import ScopedFilterSet, SearchFilter, UserFilter, officers_in_scope


class LeadFilter(ScopedFilterSet):
    """The branch inbox of leads: one FilterSet for the page, its Excel export and the API."""

    q = SearchFilter(fields=("description", "institution__name", "institution__code", "external_id", "rule_code"))
    status = django_filters.MultipleChoiceFilter(choices=Lead.Status.choices, label=_("Status"))
    source = django_filters.ChoiceFilter(choices=Lead.Source.choices, label=_("Source"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    assignee = UserFilter(queryset=officers_in_scope, label=_("Verifying officer"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Assigned to me"), widget=forms.CheckboxInput)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"), widget=YesNoAll)
    received = django_filters.DateFromToRangeFilter(field_name="received_on", label=_("Received"))
    decided = django_filters.DateFromToRangeFilter(field_name="decided_on", label=_("Verification concluded"))
    batch = django_filters.NumberFilter(field_name="batch_id", label=_("Import batch"))

    class Meta:
        model = Lead
        fields = ["q", "jurisdiction", "status", "source", "institution", "overdue", "mine", "received", "batch"]

    def filter_mine(self, qs, name, value):
        user = getattr(self.request, "user", None)
        return qs.filter(assignee_id=user.pk) if value and user is not None else qs

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = qs.overdue()
        return overdue if value else qs.exclude(pk__in=overdue.values("pk"))


class ImportBatchFilter(ScopedFilterSet):
    q = SearchFilter(fields=("file_name",))
    status = django_filters.ChoiceFilter(choices=ImportBatch.Status.choices, label=_("Status"))

    class Meta:
        model = ImportBatch
        fields = ["q", "jurisdiction", "status"]
