"""Form widgets."""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _


class LongSelect(forms.Select):
    """A ``<select>`` for long choice lists, its options written in Python rather than through the option template
    once each. The officer filters of the case and lead lists offer every officer in the user's scope: 1,600 for
    a city-wide user at bench scale, where the template path costs ~60 ms a page (issue 8). Same markup."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = set(self.format_value(value))
        parts = [f"<select{flatatt(final)}>"]
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group of options
                parts.append(f'<optgroup label="{escape(option_value)}">')
                parts.extend(self._option(v, text, chosen) for v, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value and label is escaped above)

    @staticmethod
    def _option(value, label, chosen) -> str:
        value = "" if value is None else str(value)
        selected = " selected" if value in chosen else ""
        return f'<option value="{escape(value)}"{selected}>{escape(label)}</option>'


class YesNoAll(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads “all” (全部), not “unknown”: an unset filter filters nothing."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("unknown", _("All")), ("true", _("Yes")), ("false", _("No")))


class TypeAheadMixin:
    """A ``<select>`` that holds only the chosen options and searches the rest as the user types (Tom Select,
    vendored, in static/js/portal.js), asking ``lookup`` (a URL name) for matches: the field still validates
    against its own queryset, so a picked row outside it is refused like any wrong choice."""

    def __init__(self, lookup: str, attrs=None, **kwargs):
        self.lookup = lookup
        super().__init__(attrs, **kwargs)

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        attrs = {**(attrs or {}), "data-typeahead": reverse(self.lookup)}
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        chosen = [str(v) for v in value if v not in (None, "")]
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:  # not a model field: keep the given choices
            return super().optgroups(name, value, attrs)
        groups = []
        if not self.allow_multiple_selected:
            groups.append((None, [self.create_option(name, "", "—", not chosen, 0)], 0))
        rows = queryset.filter(pk__in=chosen) if chosen else queryset.none()
        field = getattr(self.choices, "field", None)
        for index, row in enumerate(rows, start=1):
            label = field.label_from_instance(row) if field is not None else str(row)
            groups.append((None, [self.create_option(name, str(row.pk), label, True, index)], index))
        return groups


class TypeAheadSelect(TypeAheadMixin, forms.Select):
    pass


class TypeAheadSelectMultiple(TypeAheadMixin, forms.SelectMultiple):
    pass


# --- A renderer for the list pages' filter forms ----------------------------------------------------------------


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html in Python: ``True`` → the bare name, ``False`` → left out."""
    parts = []
    for key, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {key}" if value is True else f' {key}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{shown}' \
           f"{_attrs(widget['attrs'])}>"  # fmt: skip


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                         f"{conditional_escape(option['label'])}</option>\n")  # fmt: skip
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _range(widget: dict) -> str:
    """The project's templates/django_filters/widgets/multiwidget.html: two inputs joined by a dash. An included
    template keeps its files' final newlines (only the renderer's result is stripped): one for input.html, two for
    the templates that include it (date.html, text.html...)."""
    parts = ['<div class="input-group input-group-sm flex-nowrap">']
    for index, sub in enumerate(widget["subwidgets"]):
        name = sub["template_name"]
        parts.append(_WIDGETS[name](sub) + ("\n" if name.endswith("/input.html") else "\n\n"))
        if index == 0:
            parts.append('<span class="input-group-text">–</span>')
    parts.append("</div>")
    return "".join(parts)


_WIDGETS = {
    **{f"django/forms/widgets/{kind}.html": _input for kind in ("input", "text", "number", "date", "search")},
    "django/forms/widgets/select.html": _select,
    "django_filters/widgets/multiwidget.html": _range,
}


class CompactRenderer(TemplatesSetting):
    """Renders the list pages' filter widgets in Python, to the same markup as their templates: Django's path
    includes a template per option and per attribute list (the case list's filter form was a third of the page,
    373 includes a request, issue 19). Any widget template not known here goes through the templates as before.
    """

    def render(self, template_name, context, request=None):
        write = _WIDGETS.get(template_name)
        if write is None or not _all_known(context["widget"]):
            return super().render(template_name, context, request)
        return write(context["widget"]).strip()


def _all_known(widget: dict) -> bool:
    """Every part has a writer here: subwidgets by their template, options only with Django's option template."""
    if not all(sub["template_name"] in _WIDGETS and _all_known(sub) for sub in widget.get("subwidgets", ())):
        return False
    return all(
        option["template_name"] == "django/forms/widgets/select_option.html"
        for _name, options, _index in widget.get("optgroups", ())
        for option in options
    )


COMPACT_RENDERER = CompactRenderer()
