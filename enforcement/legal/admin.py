"""Admin for the legal-fidelity data (issue 14): the versioned procedure rules and the termination grounds."""

from django.contrib import admin
from django.utils import timezone

from enforcement.models import ProcedureRules, TerminationGround
from portal.admin import AuditedAdmin


@admin.register(ProcedureRules)
class ProcedureRulesAdmin(AuditedAdmin):
    """Versioned by effective date like the thresholds: a row in force (or past) is read-only."""

    list_display = [
        "effective_from", "limitation_years", "limitation_years_extended", "further_extension_max_days",
        "transfer_approval_days", "transfer_handover_hours",
    ]  # fmt: skip

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.effective_from and obj.effective_from <= timezone.localdate():
            return False
        return super().has_change_permission(request, obj)


@admin.register(TerminationGround)
class TerminationGroundAdmin(AuditedAdmin):
    list_display = ["order", "text", "source", "needs_case", "min_suspensions", "reapply_ban_years", "is_active"]
    list_display_links = ["text"]
    list_filter = ["is_active", "needs_case", "confirmed"]
