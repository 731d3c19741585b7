"""Strict query parameters for every API list: a bad ``page_size`` or filter value is a 400 naming the
parameter, never a silent fallback. (Kept apart from portal/api.py: DRF imports these while it loads.)"""

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django_filters import NumberFilter
from django_filters import rest_framework as filters
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

# --- Query parameters --------------------------------------------------------------------------------------


class StrictPageNumberPagination(PageNumberPagination):
    """``?page_size=`` must be a positive integer (more than the maximum is cut to it); anything else is a
    400 naming the parameter rather than a silent fallback."""

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param) if self.page_size_query_param else None
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise exceptions.ValidationError({self.page_size_query_param: [_("Give a whole number from 1.")]})
        return min(size, self.max_page_size) if self.max_page_size else size

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count"]["minimum"] = 0
        return result


INT_BOUNDS = (-(2**63), 2**63 - 1)


def _model_field(model, name: str):
    field = None
    for part in name.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except Exception:
            return None
        model = getattr(field, "related_model", None)
    return field


class StrictFilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, but a number filter on a whole-number field (a year, an id) accepts whole
    numbers only: ``?year=-2.1e-243`` is a 400 naming ``year``, not an empty list."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is None:
            return None
        model = queryset.model
        for name, filter_ in filterset.filters.items():
            if not isinstance(filter_, NumberFilter) or name not in filterset.form.fields:
                continue
            field = _model_field(model, filter_.field_name)
            if isinstance(field, models.DecimalField | models.FloatField):
                continue
            filterset.form.fields[name] = forms.IntegerField(
                required=False, min_value=INT_BOUNDS[0], max_value=INT_BOUNDS[1], label=filter_.label
            )
        return filterset
