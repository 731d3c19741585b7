"""Field helpers shared by the enforcement models."""

from django.db import models


def Money(verbose_name, **kwargs):
    """Money is always a Decimal with two places (architecture.md)."""
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(verbose_name, **kwargs)
