"""The navigation's badges: unread notifications (one query) and the inbox's count (cached briefly); each is
computed once per request and only when a template shows it."""

from functools import cache as memo

from portal.inbox import inbox_count
from supervision.notifications.services import unread_count


def nav_badges(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @memo
    def notifications_unread():
        return unread_count(user)

    @memo
    def inbox_badge():
        return inbox_count(user)

    return {"notifications_unread": notifications_unread, "inbox_badge": inbox_badge}
