"""Role-aware navigation: each entry appears only to users whose roles may open it."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, permission) — later apps append their entries here.
NAVIGATION = [
    (_("Institutions"), "supervision:institution-list", "supervision.view_institution"),
    (_("Agreements"), "supervision:agreement-list", "supervision.view_agreement"),
    (_("Organisation"), "supervision:orgunit-list", "supervision.view_orgunit"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    if user.is_staff_member:
        for label, url_name, perm in NAVIGATION:
            if user.has_perm(perm):
                items.append(
                    {"label": label, "url": reverse(url_name), "active": request.path.startswith(reverse(url_name))}
                )
    elif user.has_role("supervisor"):
        # A social supervisor's own portal (issue 6): no staff navigation.
        url = reverse("supervision:my-reports")
        items.append({"label": _("My reports"), "url": url, "active": request.path.startswith(url)})
    return {
        "nav_items": items,
        "user_roles": sorted({a.get_role_display() for a in user.role_assignments}),
        "user_unit": user.primary_unit,
    }
