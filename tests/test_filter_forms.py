"""The list pages' filter forms are written by ``portal.widgets.CompactRenderer``: the markup of Django's widget
templates, byte for byte, without a template per option (issue 19). Every list page, unbound and bound (chosen
values, a bad value, text that needs escaping)."""

from unittest import mock

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from portal.forms import style_form
from portal.mixins import FilteredListMixin
from portal.widgets import COMPACT_RENDERER


def _list_views(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _list_views(pattern.url_patterns, f"{prefix}{pattern.namespace or ''}:")
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None)
            if view is not None and issubclass(view, FilteredListMixin) and view.filterset_class is not None:
                yield f"{prefix}{pattern.name}", view


LIST_VIEWS = sorted({name: view for name, view in _list_views()}.items())


def _bound_data(form) -> dict:
    """A value for every field: the second choice of a list, dates for a range, text that needs escaping."""
    data = {}
    for name, field in form.fields.items():
        if isinstance(field, forms.MultiValueField):
            data[f"{name}_after"], data[f"{name}_before"] = "2026-01-01", "2026-12-31"
        elif isinstance(field, forms.ChoiceField):
            choices = [value for value, _label in field.choices if value not in ("", None)]
            data[name] = str(getattr(choices[0], "value", choices[0])) if choices else "1"
        else:
            data[name] = '<b class="x">&"\''
    return data


def _form(view, user, data):
    request = RequestFactory().get("/", data or {})
    request.user = user
    filterset = view.filterset_class(data or None, queryset=None, request=request)
    form = style_form(filterset.form)
    form.is_valid()
    return form


def test_every_list_page_is_found():
    names = {name for name, _view in LIST_VIEWS}
    assert {"enforcement:case-list", "supervision:lead-list", "supervision:institution-list"} <= names
    assert len(LIST_VIEWS) >= 10


@pytest.mark.parametrize(("name", "view"), LIST_VIEWS, ids=[name for name, _v in LIST_VIEWS])
def test_compact_renderer_writes_the_templates_markup(cast, name, view):
    for user in (cast["director"], cast["b01_chief"]):
        for bound in (False, True):
            form = _form(view, user, None)
            if bound:
                form = _form(view, user, _bound_data(form))
            for field in form:
                form.renderer = TemplatesSetting()
                expected = str(field)
                form.renderer = COMPACT_RENDERER
                assert str(field) == expected, (name, field.name, bound)


def test_case_list_filter_form_loads_no_widget_template(cast):
    """The case list's eleven fields: every widget written in Python (the test fails if one falls back)."""
    view = dict(LIST_VIEWS)["enforcement:case-list"]
    form = _form(view, cast["director"], {"state": ["investigating", "filed"], "opened_after": "2026-01-01"})
    form.renderer = COMPACT_RENDERER
    with mock.patch.object(TemplatesSetting, "render", side_effect=AssertionError("fell back to a template")):
        html = "".join(str(field) for field in form)
    assert 'name="state"' in html and " selected>" in html


def test_chosen_officer_keeps_its_name(cast, client_for):
    """The officer filter loads its options on demand; the chosen one is written with its name."""
    officer = cast["enf_officer"]
    page = client_for(cast["director"]).get("/cases/", {"officer": officer.pk}).content.decode()
    select = page[page.index('name="officer"') :]
    select = select[: select.index("</select>")]
    assert f'value="{officer.pk}" selected>{officer}' in select
    assert "data-typeahead=" in select and select.count("<option") == 2  # "—" and the chosen officer


@pytest.mark.django_db
def test_choice_label_writes_what_get_display_writes():
    from django.utils import translation

    from enforcement.cases.models import Case, CaseState
    from portal.formatting import choice_label
    from supervision.register.models import Institution

    for language in ("zh-hans", "en"):
        with translation.override(language):
            for state in CaseState.values:
                case = Case(state=state)
                assert choice_label(case, "state") == case.get_state_display()
            institution = Institution(kind=Institution.Kind.PRIMARY)
            assert choice_label(institution, "kind") == institution.get_kind_display()
    assert choice_label(Case(state="no-such-state"), "state") == "no-such-state"
