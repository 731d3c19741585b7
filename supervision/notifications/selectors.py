"""The navigation's inbox badge: the inbox's total as last counted by the home page or the inbox page (kept in
the session: no query per page). The bell's unread count is read by the page's script from
``/api/v1/notifications/?unread=true`` after the page has loaded (no query per page either)."""

from portal.inbox import remembered_total


def nav_badges(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_badge": remembered_total(request)}
