"""Template filters every page may use without ``{% load %}`` (a template builtin, config/settings.py).

One way to write money on screen and in exports' previews: thousands separators and two decimals."""

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.filter
def money(value) -> str:
    """CNY amounts as the documents write them: 100,000.00."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(value)


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label) -> str:
    """A column heading that sorts the list by ``key`` (a key of the view's ``sort_orders``): a first click
    sorts ascending, the next descending; the arrow shows the current order. Plain text when not sortable."""
    if key not in context.get("sortable", ()):
        return format_html("{}", label)
    current = context.get("sort", "")
    following = f"-{key}" if current == key else key
    arrow = {key: " ▲", f"-{key}": " ▼"}.get(current, "")
    query = context.get("sort_querystring", "")
    href = f"?{query}&sort={following}" if query else f"?sort={following}"
    state = {key: "ascending", f"-{key}": "descending"}.get(current, "none")
    return format_html(
        '<a class="link-dark text-decoration-none" href="{}" aria-sort="{}">{}{}</a>', href, state, label, arrow
    )


@register.filter
def choice_label(record, field_name: str) -> str:
    """``{{ case|choice_label:"state" }}`` writes what ``case.get_state_display`` writes, for the rows of a list:
    Django's method rebuilds a dict of every choice and hashes each lazy label (one translation each: ~15 a row on
    the case list, issue 19); this translates only the label shown."""
    field = record._meta.get_field(field_name)
    value = getattr(record, field.attname)
    for key, label in field.flatchoices:
        if key == value:
            return str(label)
    return "" if value is None else str(value)


def reverse_parts(name: str) -> tuple[str, str]:
    """The parts of ``name``'s URL around its one integer argument, for a list that links every row to its record:
    ``f"{before}{pk}{after}"`` is ``reverse(name, args=[pk])``, reversed once a page rather than once a row."""
    sentinel = 2147483647
    before, _sep, after = reverse(name, args=[sentinel]).partition(str(sentinel))
    return before, after
