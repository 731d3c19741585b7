"""Writing the append-only audit trail. Services call ``record`` inside their own transaction."""

import contextvars
import datetime
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def set_request_id(value: str | None = None) -> contextvars.Token:
    return _request_id.set(value or uuid.uuid4().hex)


def reset_request_id(token: contextvars.Token) -> None:
    _request_id.reset(token)


def current_request_id() -> str:
    return _request_id.get()


def official_text(message) -> str:
    """System-written text stored in records is kept in the bureau's language, whatever the UI language.

    ``message`` is an English msgid or a lazy translation."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.functional import Promise

    with translation.override(settings.LANGUAGE_CODE):
        return str(message) if isinstance(message, Promise) else str(translation.gettext(message))


def _jsonable(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or None
    return value


def snapshot(obj, fields: list[str] | None = None) -> dict:
    """The concrete field values of ``obj`` as JSON-safe data (foreign keys as ids)."""
    data = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in ("created_at", "updated_at", "password"):
            continue
        data[field.attname] = _jsonable(getattr(obj, field.attname))
    return data


def record(
    *, actor, verb: str, obj, before: dict | None = None, after: dict | None = None, reason: str = "", unit=None
):
    """Append one audit row. Must run inside the caller's transaction so both commit or neither."""
    from supervision.org.models import AuditEvent

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the service's transaction")
    if unit is None and actor is not None and getattr(actor, "pk", None):
        unit = actor.primary_unit
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_unit=unit,
        verb=verb,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
        request_id=current_request_id(),
    )
