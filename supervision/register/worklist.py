"""The home page's work queue: panels contributed by each app, all counted within the user's scope."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.worklist import Panel, preview_count, register_panel
from supervision.org.models import Role
from supervision.register.models import Agreement, Institution

# Agreements concern the chiefs, officers and fund officers who act on them, the director and the read-only
# roles; not the legal reviewer (who sees reviews) nor the analyst (leads and screening).
AGREEMENT_ROLES = frozenset({Role.CHIEF, Role.OFFICER, Role.FUND_OFFICER, Role.DIRECTOR, Role.VIEWER})


@register_panel
def agreement_panels(user) -> list[Panel]:
    if not user.has_perm("supervision.view_agreement") or not user.has_role(*AGREEMENT_ROLES):
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
    soonest = list(expiring.order_by("valid_to")[:5])
    preview = [(f"{a.institution.name} · {a.valid_to:%Y-%m-%d}", a.get_absolute_url()) for a in soonest]
    return [
        Panel(
            _("Agreements expiring within 3 months"),
            preview_count(soonest, 5, expiring),
            # The link opens exactly the agreements counted here.
            f"{list_url}?status=active&valid_to_after={today.isoformat()}&valid_to_before={horizon.isoformat()}",
            "warning",
            preview,
            roles=AGREEMENT_ROLES,
        ),
        Panel(
            _("Suspended agreements"),
            suspended.count(),
            f"{list_url}?status=suspended",
            "danger",
            roles=AGREEMENT_ROLES,
        ),
    ]


@register_panel
def register_panels(user) -> list[Panel]:
    roles = frozenset({Role.VIEWER, Role.DIRECTOR, Role.CHIEF, Role.FUND_OFFICER, Role.ANALYST})  # an overview
    if not user.is_staff_member or not user.has_role(*roles):
        return []
    count = Institution.objects.visible_to(user).count()
    return [
        Panel(_("Designated institutions in my scope"), count, reverse("supervision:institution-list"), roles=roles)
    ]
