"""One FilterSet per list, shared by the HTML list, its Excel export and the API viewset."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.models import (
    Agreement,
    ImportBatch,
    Inspection,
    Institution,
    Lead,
    OrgUnit,
    RandomDraw,
    Role,
    RoleAssignment,
    User,
)
from supervision.querysets import subtree_units
from supervision.widgets import LongSelect


class JurisdictionFilter(django_filters.ModelChoiceFilter):
    """A unit id; matches records anywhere in that unit's subtree. Narrows the already-scoped queryset."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", OrgUnit.objects.all())
        kwargs.setdefault("label", _("Jurisdiction"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.in_subtree(value)


class SearchFilter(django_filters.CharFilter):
    """Free-text search over the named fields (``q``)."""

    def __init__(self, *args, fields=(), **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return qs.filter(condition)


class ScopedFilterSet(django_filters.FilterSet):
    """Base for every list: jurisdiction subtree and text search (contract: filters on every list)."""

    jurisdiction = JurisdictionFilter()
    # Records held by the city bureau and its divisions, outside every branch: the statistics' city row (issue 17).
    city_level = django_filters.BooleanFilter(
        method="filter_city_level", label=_("Held by the city bureau"), widget=forms.NullBooleanSelect
    )

    def filter_city_level(self, qs, name, value):
        if value is None:
            return qs
        city_units = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.CITY, OrgUnit.Kind.DIVISION]).values("pk")
        field = f"{getattr(qs, 'jurisdiction_field', 'jurisdiction')}_id__in"
        return qs.filter(**{field: city_units}) if value else qs.exclude(**{field: city_units})


class InstitutionFilter(ScopedFilterSet):
    q = SearchFilter(fields=("name", "code", "credit_code", "legal_representative", "address"))
    kind = django_filters.ChoiceFilter(choices=Institution.Kind.choices, label=_("Kind"))
    level = django_filters.ChoiceFilter(choices=Institution.Level.choices, label=_("Hospital level"))
    status = django_filters.ChoiceFilter(
        field_name="agreement_status", choices=Agreement.Status.choices, label=_("Agreement status")
    )
    credit_grade = django_filters.ChoiceFilter(choices=[(g, g) for g in "ABCDE"], label=_("Credit grade"))
    is_public = django_filters.BooleanFilter(label=_("Public institution"), widget=forms.NullBooleanSelect)

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


class OrgUnitFilter(django_filters.FilterSet):
    q = SearchFilter(fields=("name", "code"))
    kind = django_filters.ChoiceFilter(choices=OrgUnit.Kind.choices)
    parent = django_filters.NumberFilter(field_name="parent_id")

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "parent"]


# --- Leads, imports, inspections, random draws -------------------------------------------------------------


def officers_in_scope(request):
    """Officers and chiefs holding their role inside the requesting user's scope (a filter's choices)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return User.objects.none()
    holders = RoleAssignment.objects.filter(
        role__in=[Role.OFFICER, Role.CHIEF], is_active=True, unit__in=subtree_units(user.scope_units())
    ).values("user_id")
    return User.objects.filter(pk__in=holders).order_by("username")


class _UserNameChoices(forms.models.ModelChoiceIterator):
    """Options straight from (id, name) rows, no User instance per option: a city-wide user's officer list
    has ~1,600 entries at bench scale (26 → 13 ms a page). The label is what ``str(user)`` gives."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, full_name, username in self.queryset.values_list("pk", "full_name", "username"):
            yield (pk, full_name or username)


class UserChoiceField(forms.ModelChoiceField):
    iterator = _UserNameChoices


class UserFilter(django_filters.ModelChoiceFilter):
    """A user id, offered as a (long) list of names."""

    field_class = UserChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", LongSelect)
        super().__init__(*args, **kwargs)


class LeadFilter(ScopedFilterSet):
    """The branch inbox of leads: one FilterSet for the page, its Excel export and the API."""

    q = SearchFilter(fields=("description", "institution__name", "institution__code", "external_id", "rule_code"))
    status = django_filters.MultipleChoiceFilter(choices=Lead.Status.choices, label=_("Status"))
    source = django_filters.ChoiceFilter(choices=Lead.Source.choices, label=_("Source"))
    institution = django_filters.NumberFilter(field_name="institution_id", label=_("Institution"))
    assignee = UserFilter(queryset=officers_in_scope, label=_("Verifying officer"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Assigned to me"), widget=forms.CheckboxInput)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"), widget=forms.NullBooleanSelect)
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
        widget=forms.NullBooleanSelect,
    )

    class Meta:
        model = RandomDraw
        fields = ["q", "jurisdiction", "kind", "published"]
