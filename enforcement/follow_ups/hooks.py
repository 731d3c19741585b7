"""What enforcement plugs into supervision's lead and inspection pages (supervision.extensions)."""

from django.utils.translation import gettext_lazy as _

from portal.extensions import (
    FINDING_FOLLOW_UPS,
    LEAD_FOLLOW_UPS,
    FollowUp,
    register_follow_up,
    register_violation_codes,
)


def active_violation_codes() -> list[tuple[str, str]]:
    from enforcement.rules.models import ViolationType

    return [(v.code, v.name) for v in ViolationType.objects.filter(is_active=True).order_by("article", "name")]


def register() -> None:
    register_violation_codes(active_violation_codes)
    for registry, prefix in ((LEAD_FOLLOW_UPS, "lead"), (FINDING_FOLLOW_UPS, "finding")):
        register_follow_up(
            registry, FollowUp(_("Open a case"), f"enforcement:{prefix}-open-case", "enforcement.add_case")
        )
        register_follow_up(
            registry,
            FollowUp(
                _("Propose an agreement action"),
                f"enforcement:{prefix}-agreementaction",
                "enforcement.add_agreementaction",
            ),
        )
