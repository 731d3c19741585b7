"""FilterSets shared by the case and agreement-action pages, their exports and the API."""

import functools

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from enforcement.cases.models import Case, CaseState
from enforcement.cases.queues import CASE_QUEUES, apply_queue
from enforcement.rules.models import ViolationType
from portal.widgets import YesNoAll
from supervision.org.filters import ScopedFilterSet, SearchFilter, UserFilter, officers_in_scope
from supervision.org.models import OrgUnit


def _share_unit_choices(form, fields: dict) -> None:
    """The form's unit lists (name → kind, or None for every unit) read the org units once, when the page renders
    them, not once each: the case list stays within its query budget (issue 8). Validating a submitted unit still
    goes through each field's queryset."""
    units = functools.cache(lambda: list(OrgUnit.objects.all()))
    for name, kind in fields.items():
        field = form.fields[name]

        def choices(field=field, kind=kind):
            rows = [(u.pk, field.label_from_instance(u)) for u in units() if kind is None or u.kind == kind]
            return [("", field.empty_label), *rows] if field.empty_label is not None else rows

        # Django's own setter: django-filter's overrides it for its iterator, which wants a queryset.
        forms.ChoiceField.choices.fset(field, choices)


class CaseFilter(ScopedFilterSet):
    q = SearchFilter(fields=("number", "title", "party_name", "institution__name", "institution__code"))
    state = django_filters.MultipleChoiceFilter(choices=CaseState.choices, label=_("State"))
    branch = django_filters.ModelChoiceFilter(
        queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH), method="filter_branch", label=_("Branch")
    )
    officer = UserFilter(queryset=officers_in_scope, method="filter_officer", label=_("Officer"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    violation_code = django_filters.ModelChoiceFilter(
        queryset=ViolationType.objects.order_by("article", "name"), to_field_name="code", field_name="violation_types",
        label=_("Violation code"),
    )  # fmt: skip
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"), widget=YesNoAll)
    opened = django_filters.DateFromToRangeFilter(field_name="opened_at__date", label=_("Opened"))
    decided = django_filters.DateFromToRangeFilter(field_name="decided_on", label=_("Decided"))
    closed = django_filters.DateFromToRangeFilter(field_name="closed_on", label=_("Closed on"))
    # The home page's panels link here with ?queue=<name>; the same function counts the panel.
    queue = django_filters.ChoiceFilter(
        choices=[(k, label) for k, (label, _f) in CASE_QUEUES.items()], method="filter_queue", label=_("Work queue")
    )

    class Meta:
        model = Case
        fields = ["q", "jurisdiction", "branch", "state", "officer", "institution", "violation_code", "overdue"]

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_unit_choices_shared", False):
            _share_unit_choices(form, {"jurisdiction": None, "branch": OrgUnit.Kind.BRANCH})
            form._unit_choices_shared = True
        return form

    @extend_schema_field(OpenApiTypes.INT)  # the query parameter is the branch's unit id
    def filter_branch(self, qs, name, value):
        return qs.in_subtree(value) if value else qs

    @extend_schema_field(OpenApiTypes.INT)  # the query parameter is the officer's user id
    def filter_officer(self, qs, name, value):
        return qs.filter(assignments__user=value) if value else qs

    def filter_overdue(self, qs, name, value):
        if value is None:
            return qs
        overdue = qs.overdue(timezone.localdate())
        return overdue if value else qs.exclude(pk__in=overdue.values("pk"))

    def filter_queue(self, qs, name, value):
        return apply_queue(CASE_QUEUES, value, qs, getattr(self.request, "user", None)) if value else qs
