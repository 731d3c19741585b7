"""One FilterSet per list, shared by the HTML list, its Excel export and the API viewset."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.scoping import subtree_units
from portal.widgets import LongSelect
from supervision.org.models import OrgUnit, Role, RoleAssignment, User


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


class OrgUnitFilter(django_filters.FilterSet):
    q = SearchFilter(fields=("name", "code"))
    kind = django_filters.ChoiceFilter(choices=OrgUnit.Kind.choices)
    parent = django_filters.NumberFilter(field_name="parent_id")

    class Meta:
        model = OrgUnit
        fields = ["q", "kind", "parent"]


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
