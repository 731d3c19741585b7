"""The navigation's badges: unread notifications (one query, once per request and only when a template shows
it) and the inbox's total as last counted by the home page or the inbox page (kept in the session: no query)."""

from functools import cache as memo

from portal.inbox import remembered_total
from supervision.notifications.services import unread_count


def nav_badges(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @memo
    def notifications_unread():
        return unread_count(user)

    return {"notifications_unread": notifications_unread, "inbox_badge": remembered_total(request)}
