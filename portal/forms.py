"""Forms validate input only; the user's context comes in through the view's get_form_kwargs."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.fields import DateRangeField

ISO_DATE = "%Y-%m-%d"


def style_form(form):
    """Give every widget Bootstrap's classes (templates stay free of per-field markup), and dates the
    browser's date picker."""
    for field in form.fields.values():
        widgets = getattr(field.widget, "widgets", None) or [field.widget]
        for widget in widgets:
            if isinstance(field, DateRangeField | forms.DateField):
                _date_picker(widget)
            _style_widget(widget)
    return form


def _date_picker(widget) -> None:
    """``<input type="date">`` reads and writes ISO dates only: render the value as YYYY-MM-DD whatever the
    language (zh-hans would otherwise write 2026/11/22, which the picker shows as empty)."""
    widget.input_type = "date"
    widget.attrs.pop("type", None)
    if hasattr(widget, "format"):
        widget.format = ISO_DATE


def _style_widget(widget) -> None:
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


def form_errors_from(exc, form) -> None:
    """A service's ValidationError onto the form: known field keys on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def date_input():
    return forms.DateInput(attrs={"type": "date"})


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
