"""Bulk steps (批量操作, issue 16): one step of a transition table taken on several records at once.

One mechanism for every bulk step (the leads' 批量分派, the chief's 批量批准立案, ...): the ids come from the
page or the API, are looked up in the caller's scoped queryset (an id out of scope reads exactly like one that
does not exist: "not found"), and each record goes through the step's own service (its transition check, its
input rules, its own audit row), all inside one transaction. If any record is refused, everything is rolled
back and ``BulkRefused`` carries the per-item report; otherwise the report lists what was done.

Only steps whose table entry says ``batchable=True`` may be taken this way: a step whose rules need reasons
given for each record on its own (a penalty decision) never is.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.errors import InvalidState
from portal.transitions import TransitionTable

BULK_MAX = 100  # records in one bulk request (the leads' dispatch keeps its documented 200)


@dataclass
class BulkItem:
    """One record's outcome: ``obj`` is the record when the caller sees it (None for "not found")."""

    pk: int
    obj: object = None
    ok: bool = True
    message: str = ""


@dataclass
class BulkReport:
    items: list[BulkItem] = field(default_factory=list)

    @property
    def done(self) -> list:
        return [item.obj for item in self.items if item.ok]

    @property
    def refused(self) -> list[BulkItem]:
        return [item for item in self.items if not item.ok]


class BulkRefused(Exception):
    """A bulk step refused as a whole (nothing was written). ``report`` is ``[(pk, why), ...]`` for each refused
    record; ``outcome`` the full per-item ``BulkReport`` (records that would have gone through included)."""

    def __init__(self, outcome: BulkReport):
        self.outcome = outcome
        self.report = [(item.pk, item.message) for item in outcome.refused]
        super().__init__("; ".join(f"{pk}: {message}" for pk, message in self.report))


def refusal_text(exc: Exception) -> str:
    """What a refused record's line says: the service's message(s), never a code."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def clean_ids(ids, *, field_name: str = "ids", limit: int = BULK_MAX) -> list[int]:
    """The distinct ids of a bulk request, in order; a ValidationError naming ``field_name`` when there are
    none, too many, or one that is not a positive whole number."""
    try:
        ids = [int(pk) for pk in ids or []]
    except (TypeError, ValueError):
        raise ValidationError({field_name: _("Choose records from the list.")}) from None
    if any(pk < 1 for pk in ids):
        raise ValidationError({field_name: _("Choose records from the list.")})
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationError({field_name: _("Choose at least one record.")})
    if len(ids) > limit:
        raise ValidationError({field_name: _("At most %(max)d records at a time.") % {"max": limit}})
    return ids


def is_batchable(table: TransitionTable, name: str) -> bool:
    t = table.get(name)
    return bool(t and t.batchable)


def bulk_transition(
    table: TransitionTable,
    name: str,
    *,
    ids: Iterable,
    queryset,
    step: Callable,
    field_name: str = "ids",
    limit: int = BULK_MAX,
) -> BulkReport:
    """Take step ``name`` of ``table`` on each record of ``ids``, all or nothing.

    ``queryset`` is already scoped to the caller (``visible_to``); ``step(obj)`` is the step's own service for
    one record and returns the changed record (it checks the table, the input, and writes its audit row).
    Raises ValidationError (bad ids), BulkRefused (any record refused: nothing written), or returns the report.
    """
    if not is_batchable(table, name):
        raise ValueError(f"step {name!r} may not be taken in bulk (its table entry is not batchable)")
    ids = clean_ids(ids, field_name=field_name, limit=limit)
    found = queryset.in_bulk(ids)
    outcome = BulkReport()
    with transaction.atomic():
        for pk in ids:
            obj = found.get(pk)
            if obj is None:  # missing or out of scope: the same words either way
                outcome.items.append(BulkItem(pk, ok=False, message=_("Not found.")))
                continue
            try:
                with transaction.atomic():  # a refused record leaves nothing behind, even half-way
                    done = step(obj)
            except (ValidationError, PermissionDenied, InvalidState) as exc:
                outcome.items.append(BulkItem(pk, obj, ok=False, message=refusal_text(exc)))
            else:
                outcome.items.append(BulkItem(pk, done if done is not None else obj))
        if outcome.refused:
            transaction.set_rollback(True)
    if outcome.refused:
        raise BulkRefused(outcome)
    return outcome
