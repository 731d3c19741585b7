"""The schema class of the API: drf-spectacular's, but honest about blank choices. A read-only choice field
of a model field with ``blank=True`` (a case's ``outcome`` before the decision, an event's ``from_state``
on opening) returns ``""``; DRF drops ``allow_blank`` from read-only fields, so the enum lacked it."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


def _model_field(field):
    parent = getattr(field, "parent", None)
    model = getattr(getattr(parent, "Meta", None), "model", None)
    if model is None or not field.source or "." in field.source:
        return None
    try:
        return model._meta.get_field(field.source)
    except Exception:
        return None


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank:
            model_field = _model_field(field)
            if model_field is not None and getattr(model_field, "blank", False):
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)
