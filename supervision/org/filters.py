"""One FilterSet per list, shared by the HTML list, its Excel export and the API viewset."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _

from portal.scoping import subtree_units
from portal.widgets import TypeAheadSelect, YesNoAll
from supervision.org.models import OrgUnit, Role, RoleAssignment, User


class UnitChoiceField(forms.ModelChoiceField):
    """Accepts any unit (a unit outside the user's scope filters to nothing, as before), but offers only
    ``shown``: the units of the user's own subtrees, so a branch officer's pick list is their branch."""

    shown_to = None  # the user whose units are offered; read only when the choices are rendered

    def _get_choices(self):
        if self.shown_to is None:
            return super()._get_choices()
        return [("", self.empty_label), *((u.pk, str(u)) for u in units_in_scope(self.shown_to))]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)


class _LazyChoices(BaseChoiceIterator):
    """The widget's choices, read from the field when the select is rendered (never for the API)."""

    def __init__(self, field):
        self.field = field
        self.rows = None

    def __iter__(self):
        if self.rows is None:  # read once: the select iterates its choices more than once when rendered
            self.rows = list(self.field.choices)
        return iter(self.rows)


class JurisdictionFilter(django_filters.ModelChoiceFilter):
    """A unit id; matches records anywhere in that unit's subtree. Narrows the already-scoped queryset."""

    field_class = UnitChoiceField

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
        method="filter_city_level", label=_("Held by the city bureau"), widget=YesNoAll
    )

    @property
    def form(self):
        form = super().form
        field = form.fields.get("jurisdiction")
        user = getattr(self.request, "user", None)
        if isinstance(field, UnitChoiceField) and user is not None and user.is_authenticated:
            field.shown_to = user
            field.widget.choices = _LazyChoices(field)
        return form

    def filter_city_level(self, qs, name, value):
        if value is None:
            return qs
        city_units = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.CITY, OrgUnit.Kind.DIVISION]).values("pk")
        field = f"{getattr(qs, 'jurisdiction_field', 'jurisdiction')}_id__in"
        return qs.filter(**{field: city_units}) if value else qs.exclude(**{field: city_units})


def units_in_scope(user) -> list[OrgUnit]:
    """The units a filter offers ``user``: every unit in the subtrees the user sees, in tree order."""
    if user.is_superuser:
        return list(OrgUnit.objects.order_by("path"))
    return list(OrgUnit.objects.filter(pk__in=subtree_units(user.scope_units())).order_by("path"))


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
        kwargs.setdefault("widget", TypeAheadSelect("supervision:officer-lookup"))
        super().__init__(*args, **kwargs)
