"""Creating and reading notifications. Services of the features call ``notify`` in their own transaction when
something is assigned to a user or a user's proposal is decided; the daily job ``notify_due_soon`` tells each
staff user which items of their inbox fall due within ``INBOX_DUE_SOON_WORKING_DAYS`` working days."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from portal.inbox import DUE_SOON, inbox_for
from supervision.notifications.models import Notification
from supervision.org.models import User

V = Notification.Verb


def notify(recipients, verb: str, *, target=None, label: str = "", url: str = "", by=None, note: str = "") -> list:
    """One notification per recipient (none to the person who did it, none to nobody)."""
    seen, made = set(), []
    for user in recipients:
        if user is None or user.pk in seen or (by is not None and user.pk == by.pk):
            continue
        seen.add(user.pk)
        made.append(
            Notification(
                recipient=user,
                verb=verb,
                actor=by,
                record_label=(label or str(target or ""))[:250],
                url=url or (target.get_absolute_url() if target is not None else ""),
                target_type=ContentType.objects.get_for_model(target) if target is not None else None,
                target_id=target.pk if target is not None else None,
                note=(note or "")[:250],
            )
        )
    Notification.objects.bulk_create(made)
    return made


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_mark_read(*, user, pk: int) -> Notification:
    """Mark one of the user's own notifications read; another user's is missing (404)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notify_due_soon(*, today: date | None = None) -> int:
    """Daily: a "falls due soon" notice for each due-soon item of each staff user's inbox, once per item and
    day (running twice the same day adds nothing)."""
    today = today or timezone.localdate()
    made = 0
    users = User.objects.filter(is_active=True, roles__is_active=True).distinct()
    for user in users:
        if not user.is_staff_member:
            continue
        for item in inbox_for(user, today=today).items:
            if item.urgency != DUE_SOON or not item.key:
                continue
            note = f"{item.action} · {item.due:%Y-%m-%d}"
            try:
                with transaction.atomic():
                    Notification.objects.create(
                        recipient=user, verb=V.DUE_SOON, record_label=f"{item.kind} {item.label}"[:250],
                        url=item.url, note=note[:250], key=item.key[:80], day=today,
                    )  # fmt: skip
            except IntegrityError:
                continue  # already told today
            made += 1
    return made
