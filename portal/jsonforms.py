"""Django forms fed with a decoded JSON body (the API reuses the pages' forms): a list or an object where
the form expects one value (or a scalar where it expects a list) is a 400 naming the field, not a crash in
the field's ``to_python`` (``'list' object has no attribute 'strip'``)."""

from django import forms
from django.forms.fields import BaseTemporalField
from django.utils.translation import gettext as _

MULTIPLE_WIDGETS = (forms.SelectMultiple, forms.MultipleHiddenInput, forms.CheckboxSelectMultiple, forms.MultiWidget)
SCALARS = (str, int, float, bool)


def shape_errors(form: forms.Form) -> dict[str, list[str]]:
    data = form.data
    if hasattr(data, "getlist"):  # a QueryDict: form-encoded or multipart values are strings already
        return {}
    errors: dict[str, list[str]] = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if key not in data or data[key] is None:
            continue
        value = data[key]
        if isinstance(field, forms.JSONField):
            continue  # takes structured JSON by design
        if isinstance(field.widget, MULTIPLE_WIDGETS) or isinstance(field, forms.MultipleChoiceField):
            if not isinstance(value, list) or not all(isinstance(item, SCALARS) for item in value):
                errors[name] = [_("Give a list of values.")]
        elif not isinstance(value, SCALARS):
            errors[name] = [_("Give a single value, not a list or an object.")]
        elif isinstance(field, BaseTemporalField) and not isinstance(value, str):
            errors[name] = [_("Give the date as text (YYYY-MM-DD).")]
    return errors
