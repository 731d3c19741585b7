"""The home page's work queue: panels contributed by each app, all counted within the user's scope.

Apps add providers with ``register_panel``; each provider returns panels for the roles it serves.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.models import Agreement, Institution


@dataclass
class Panel:
    title: str
    count: int
    url: str = ""
    tone: str = "secondary"  # bootstrap colour: danger for overdue, warning for due soon
    items: list = field(default_factory=list)  # (label, url) pairs, a short preview


_PROVIDERS = []


def register_panel(provider):
    _PROVIDERS.append(provider)
    return provider


_SECTIONS = []


def register_section(provider):
    """A larger block of the home page from a later app: ``provider(user)`` returns a dict with ``template``
    (and the template's context) or None to leave it out, e.g. the director's statistics (issue 17)."""
    if provider not in _SECTIONS:
        _SECTIONS.append(provider)
    return provider


def home_sections(user) -> list[dict]:
    return [section for provider in _SECTIONS if (section := provider(user)) is not None]


def home_panels(user) -> list[Panel]:
    panels = []
    for provider in _PROVIDERS:
        panels.extend(provider(user))
    return panels


@register_panel
def agreement_panels(user) -> list[Panel]:
    if not user.has_perm("supervision.view_agreement"):
        return []
    today = timezone.localdate()
    agreements = Agreement.objects.visible_to(user)
    # Renewal must be applied for three months before expiry (Order No.2 Art 41).
    horizon = today + timedelta(days=92)
    expiring = agreements.filter(
        status=Agreement.Status.ACTIVE, valid_to__gte=today, valid_to__lte=horizon
    ).select_related("institution")
    suspended = agreements.filter(status=Agreement.Status.SUSPENDED)
    list_url = reverse("supervision:agreement-list")
    preview = [
        (f"{a.institution.name} · {a.valid_to:%Y-%m-%d}", a.get_absolute_url())
        for a in expiring.order_by("valid_to")[:5]
    ]
    return [
        Panel(
            _("Agreements expiring within 3 months"),
            expiring.count(),
            # The link opens exactly the agreements counted here.
            f"{list_url}?status=active&valid_to_after={today.isoformat()}&valid_to_before={horizon.isoformat()}",
            "warning",
            preview,
        ),
        Panel(_("Suspended agreements"), suspended.count(), f"{list_url}?status=suspended", "danger"),
    ]


@register_panel
def register_panels(user) -> list[Panel]:
    if not user.is_staff_member:
        return []
    count = Institution.objects.visible_to(user).count()
    return [Panel(_("Designated institutions in my scope"), count, reverse("supervision:institution-list"))]
