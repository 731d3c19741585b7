"""LongSelect: the officer filters' <select>, written in Python, reads like Django's own Select."""

import re

from django import forms

from portal.widgets import LongSelect

CHOICES = [("", "---------"), (1, "张<伟>"), (2, "李 & 王"), ("组", [(3, "甲"), (4, "乙")])]


def _normalise(html: str) -> str:
    html = re.sub(r">\s+<", "><", html.strip())
    return re.sub(r"\s+", " ", html)


def _attributes(html: str) -> list:
    return sorted(re.findall(r'(\w+)="([^"]*)"', html.split(">", 1)[0]))


def test_same_options_selection_and_escaping_as_djangos_select():
    for value in (None, "2", 3):
        ours = LongSelect(choices=CHOICES, attrs={"class": "form-select"}).render("officer", value, {"id": "id_o"})
        django = forms.Select(choices=CHOICES, attrs={"class": "form-select"}).render("officer", value, {"id": "id_o"})
        assert _attributes(ours) == _attributes(django)
        assert _normalise(ours).split(">", 1)[1] == _normalise(django).split(">", 1)[1]


def test_a_filter_field_renders_its_queryset(cast):
    from supervision.org.models import User

    field = forms.ModelChoiceField(queryset=User.objects.filter(username__startswith="b01"), widget=LongSelect)
    html = field.widget.render("officer", cast.b01_officer.pk)
    assert f'<option value="{cast.b01_officer.pk}" selected>' in html and str(cast.b01_chief) in html
