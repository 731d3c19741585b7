"""Sane bounds for dates typed by people: a year like 8003 is a typing error, not a date to store, sort or
print. Every form and serializer ``DateField`` gets ``validate_sane_date`` (``install()``, called once when
the apps are ready); a deadline set by a person is also checked by ``validate_deadline`` in its service."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
FUTURE_YEARS = 10  # any date: at most this far ahead
DEADLINE_YEARS = 5  # a deadline: at most this far ahead


def _years_ahead(years: int) -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def validate_sane_date(value) -> None:
    if not isinstance(value, datetime.date):
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day < EARLIEST:
        raise ValidationError(_("The date is too far in the past."), code="date_too_early")
    if day > _years_ahead(FUTURE_YEARS):
        raise ValidationError(
            _("The date is more than %(years)s years ahead.") % {"years": FUTURE_YEARS}, code="date_too_late"
        )


def validate_deadline(value: datetime.date) -> None:
    """A deadline lies between today and DEADLINE_YEARS ahead."""
    if value < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."), code="deadline_past")
    if value > _years_ahead(DEADLINE_YEARS):
        raise ValidationError(
            _("The deadline is more than %(years)s years ahead.") % {"years": DEADLINE_YEARS}, code="deadline_far"
        )


def _drf_validator(value) -> None:
    from rest_framework.exceptions import ValidationError as DrfValidationError

    try:
        validate_sane_date(value)
    except ValidationError as exc:
        raise DrfValidationError(exc.messages) from None


def install() -> None:
    """Give every form and serializer date field the bounds (idempotent)."""
    from django import forms
    from rest_framework import serializers

    if validate_sane_date not in forms.DateField.default_validators:
        forms.DateField.default_validators = [*forms.DateField.default_validators, validate_sane_date]
    if _drf_validator not in serializers.DateField.default_validators:
        serializers.DateField.default_validators = [*serializers.DateField.default_validators, _drf_validator]
