"""Template filters every page may use without ``{% load %}`` (a template builtin, config/settings.py).

One way to write money on screen and in exports' previews: thousands separators and two decimals."""

from decimal import Decimal, InvalidOperation

from django import template

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
