"""Role-aware navigation: each entry appears only to users whose roles may open it."""

import functools

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission) — later apps append their entries here.
NAVIGATION = [
    (_("Institutions"), "supervision:institution-list", "supervision.view_institution"),
    (_("Agreements"), "supervision:agreement-list", "supervision.view_agreement"),
    (_("Organisation"), "supervision:orgunit-list", "supervision.view_orgunit"),
]


@functools.lru_cache(maxsize=256)
def _url(url_name: str, _prefix: str, _urlconf) -> str:
    return reverse(url_name)


@receiver(setting_changed)
def _forget_urls(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _url.cache_clear()


def url_of(url_name: str) -> str:
    """``reverse(url_name)`` remembered per script prefix and URLconf: the menu reverses ~20 names a page."""
    return _url(url_name, get_script_prefix(), get_urlconf())


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.is_staff_member:
        for label, url_name, perm in NAVIGATION:
            if user.has_perm(perm):
                url = url_of(url_name)
                items.append({"label": label, "url": url, "active": request.path.startswith(url)})
    elif user.has_role("supervisor"):
        # A social supervisor's own portal (issue 6): no staff navigation.
        url = url_of("supervision:my-reports")
        items.append({"label": _("My reports"), "url": url, "active": request.path.startswith(url)})
    return {
        "nav_items": items,
        "user_roles": sorted({a.get_role_display() for a in user.role_assignments}),
        "user_unit": user.primary_unit,
    }
