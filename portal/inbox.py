"""My inbox (我的待办): everything waiting on the user, contributed by each feature's ``worklist.py``.

A provider is ``provider(user, limit) -> list[InboxPart]``: for each kind of work it knows, the ``limit`` most
urgent items that wait on ``user`` (scoped with ``visible_to`` and narrowed to where the user acts, through
the feature's queue functions or transition table) and the total count. ``limit=0`` asks for counts only
(the navigation badge). Providers read their rows with ``select_related``: no query per item.

Urgency is computed here once: overdue (the due date has passed), due soon (within
``settings.INBOX_DUE_SOON_WORKING_DAYS`` working days of the calendar) or normal.
"""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.workdays import working_days_from

OVERDUE, DUE_SOON, NORMAL = "overdue", "due_soon", "normal"
URGENCY_LABELS = {OVERDUE: _("Overdue"), DUE_SOON: _("Due soon"), NORMAL: _("Normal")}
URGENCY_TONES = {OVERDUE: "danger", DUE_SOON: "warning", NORMAL: "secondary"}
_RANK = {OVERDUE: 0, DUE_SOON: 1, NORMAL: 2}

PROVIDER_LIMIT = 50  # items per provider part: the most urgent ones (the total is still counted)


@dataclass
class InboxItem:
    kind: str  # what the record is, in words (线索, 案件, 举报 ...)
    label: str  # the record's name or number
    action: str  # what is to be done, in plain words
    url: str
    due: date | None = None
    key: str = ""  # stable: "<kind>:<id>:<step>", used to send one due-soon notice per item and day
    record_id: int | None = None
    days_left: int | None = None  # working days from today to the due date (negative: overdue)
    urgency: str = NORMAL

    @property
    def urgency_label(self) -> str:
        return str(URGENCY_LABELS[self.urgency])

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def tone(self) -> str:
        return URGENCY_TONES[self.urgency]


@dataclass
class InboxPart:
    items: list
    total: int


@dataclass
class Inbox:
    items: list = field(default_factory=list)
    total: int = 0

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.urgency == OVERDUE)

    @property
    def due_soon(self) -> int:
        return sum(1 for i in self.items if i.urgency == DUE_SOON)


_PROVIDERS = []


def register_inbox(provider):
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def due_soon_days() -> int:
    return int(getattr(settings, "INBOX_DUE_SOON_WORKING_DAYS", 3))


def grade(items: list[InboxItem], today: date | None = None) -> list[InboxItem]:
    """Set each item's working days left and urgency (one calendar query), then sort: urgency, due date."""
    today = today or timezone.localdate()
    left = working_days_from(today, [i.due for i in items if i.due])
    soon = due_soon_days()
    for item in items:
        if item.due is None:
            item.days_left, item.urgency = None, NORMAL
            continue
        item.days_left = left[item.due]
        if item.due < today:
            item.urgency = OVERDUE
        elif item.days_left <= soon:
            item.urgency = DUE_SOON
        else:
            item.urgency = NORMAL
    items.sort(key=lambda i: (_RANK[i.urgency], i.due or date.max, i.kind, i.label))
    return items


def inbox_for(user, limit: int = PROVIDER_LIMIT, today: date | None = None) -> Inbox:
    """The user's inbox: every provider's most urgent items, graded and sorted, and the total count."""
    if user is None or not user.is_authenticated or not getattr(user, "is_staff_member", False):
        return Inbox()
    items, total = [], 0
    for provider in _PROVIDERS:
        for part in provider(user, limit):
            items.extend(part.items)
            total += part.total
    return Inbox(grade(items, today), total)


SESSION_KEY = "inbox_total"


def remember_total(request, inbox: Inbox) -> None:
    """Keep the total the home page or the inbox page just counted in the session: the navigation's badge shows
    it on every other page at no cost (no query per page; the badge is as fresh as the user's last look)."""
    if request.session.get(SESSION_KEY) != inbox.total:
        request.session[SESSION_KEY] = inbox.total


def remembered_total(request) -> int | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY) if session is not None else None


def part(qs, make, limit: int, order) -> InboxPart:
    """One kind of work: the ``limit`` first rows of ``qs`` in ``order`` made into items, and the total."""
    rows = list(qs.order_by(*order)[:limit]) if limit else []
    total = len(rows) if limit and len(rows) < limit else qs.count()
    return InboxPart([make(row) for row in rows], total)


def record_item(kind: str, action: str, name: str, step: str):
    """The item maker for records shown by their own name and page (``str(record)``, ``get_absolute_url``):
    ``kind`` and ``action`` in words, ``name`` and ``step`` for the item's key ("<name>:<id>:<step>")."""

    def make(record) -> InboxItem:
        return InboxItem(
            kind=str(kind),
            label=str(record),
            action=str(action),
            url=record.get_absolute_url(),
            key=f"{name}:{record.pk}:{step}",
            record_id=record.pk,
        )

    return make


def acting_on(qs, user, table, step: str):
    """The records of ``qs`` (already ``visible_to(user)``) on which ``step`` of ``table`` waits for ``user``:
    in one of the step's source states, in the units where the user holds one of the step's roles. Guards
    that look at one record (nobody approves their own proposal) are the caller's to add as a filter."""
    from portal.scoping import unit_ids_under

    t = table.get(step)
    units = user.scope_units(roles=set(t.roles))
    if not units or not isinstance(table.state, str):
        return qs.none()
    return qs.filter(**{f"{table.state}__in": list(t.sources)}, jurisdiction_id__in=unit_ids_under(user, units))
