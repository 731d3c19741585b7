"""Admin pages for system administrators: penalty rules and their bands, violation codes, thresholds (editable,"""

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from enforcement.rules.models import DiscretionBand, PenaltyRule, Thresholds, ViolationType
from portal import audit
from portal.admin import AuditedAdmin


class DiscretionBandInline(admin.TabularInline):
    model = DiscretionBand
    extra = 0
    can_delete = False  # a band is corrected, never deleted (its history stays in the audit trail)
    fields = ["province", "order", "name", "min_multiple", "max_multiple", "min_amount", "max_amount", "condition"]


@admin.register(PenaltyRule)
class PenaltyRuleAdmin(AuditedAdmin):
    list_display = ["code", "article", "title", "subject", "fine_basis", "is_fraud"]
    list_filter = ["subject", "fine_basis", "is_fraud"]
    search_fields = ["code", "article", "title"]
    inlines = [DiscretionBandInline]

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            for band in formset.save(commit=False):
                before = audit.snapshot(DiscretionBand.objects.get(pk=band.pk)) if band.pk else None
                band.save()
                audit.record(
                    actor=request.user,
                    verb="admin_update" if before is not None else "admin_create",
                    obj=band,
                    before=before,
                    after=audit.snapshot(band),
                )
            formset.save_m2m()


@admin.register(ViolationType)
class ViolationTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "article", "rule", "is_active"]
    list_filter = ["is_active", "rule"]
    search_fields = ["code", "name", "article"]
    list_select_related = ["rule"]


@admin.register(Thresholds)
class ThresholdsAdmin(AuditedAdmin):
    """Versioned by effective date: a row in force (or past) is read-only; a change is a new row."""

    list_display = ["effective_from", "hearing_fine_org", "legal_review_org", "collective_fine", "simple_fine_org"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.effective_from and obj.effective_from <= timezone.localdate():
            return False
        return super().has_change_permission(request, obj)
