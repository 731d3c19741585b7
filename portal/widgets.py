"""Form widgets."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
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
