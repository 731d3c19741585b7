"""Small presentation helpers for the enforcement pages (no queries)."""

from django import template

register = template.Library()

STATE_TONES = {
    "filing": "secondary",
    "not_filed": "dark",
    "decided": "info",
    "executing": "info",
    "closed": "success",
    "archived": "success",
    "transferred": "dark",
    "terminated": "dark",
    "suspended": "warning",  # the decision clock is paused (issue 14)
}
MEASURE_TONES = {
    "proposed": "secondary",
    "chief_approved": "warning",
    "approved": "primary",
    "rejected": "dark",
    "applied": "success",
    "ended": "info",
    "withdrawn": "dark",
}


@register.filter
def absolute(value):
    try:
        return abs(value)
    except TypeError:
        return value


@register.filter
def state_tone(state: str) -> str:
    """Bootstrap colour of a case state badge."""
    return STATE_TONES.get(state, "primary")


@register.filter
def measure_tone(state: str) -> str:
    """Bootstrap colour of an agreement action state badge."""
    return MEASURE_TONES.get(state, "secondary")
