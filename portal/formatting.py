"""Template filters every page may use without ``{% load %}`` (a template builtin, config/settings.py).

One way to write money on screen and in exports' previews: thousands separators and two decimals."""

from decimal import Decimal, InvalidOperation

from django import template
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
