"""Admin pages: the credit schemes (versioned by year, with their items) and the assessment presets are
edited here by administrators (audited); events, ratings and applications are read-only (services write them)."""

from django.contrib import admin
from django.db import transaction

from credit.models import (
    Assessment,
    AssessmentPreset,
    CreditEvent,
    CreditItem,
    CreditRating,
    CreditScheme,
    RepairApplication,
    SettlementAmount,
)
from portal import audit
from portal.admin import AuditedAdmin, SuperuserOnlyMixin


class CreditItemInline(admin.TabularInline):
    model = CreditItem
    extra = 0
    can_delete = False  # an item is corrected or a new scheme year is added; history stays in the audit trail
    fields = ["order", "code", "label", "kind", "trigger", "points", "cap"]


@admin.register(CreditScheme)
class CreditSchemeAdmin(AuditedAdmin):
    list_display = ["year", "name", "start_points", "grade_a", "grade_b", "grade_c", "grade_d"]
    inlines = [CreditItemInline]

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            for item in formset.save(commit=False):
                before = audit.snapshot(CreditItem.objects.get(pk=item.pk)) if item.pk else None
                item.save()
                audit.record(
                    actor=request.user,
                    verb="admin_update" if before else "admin_create",
                    obj=item,
                    before=before,
                    after=audit.snapshot(item),
                )
            formset.save_m2m()


@admin.register(AssessmentPreset)
class AssessmentPresetAdmin(AuditedAdmin):
    list_display = ["key", "year", "name"]


class ReadOnlyAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CreditEvent)
class CreditEventAdmin(ReadOnlyAdmin):
    list_display = ["institution", "year", "occurred_on", "label", "points", "is_veto", "source_label", "reverses"]
    list_filter = ["year", "trigger", "is_veto"]
    list_select_related = ["institution", "reverses"]
    search_fields = ["institution__name", "institution__code", "source_label"]


@admin.register(CreditRating)
class CreditRatingAdmin(ReadOnlyAdmin):
    list_display = ["institution", "year", "score", "grade", "veto_reason", "computed_at"]
    list_filter = ["year", "grade"]
    list_select_related = ["institution"]
    search_fields = ["institution__name", "institution__code"]


@admin.register(SettlementAmount)
class SettlementAmountAdmin(ReadOnlyAdmin):
    list_display = ["institution", "year", "amount", "imported_by", "imported_at"]
    list_filter = ["year"]
    list_select_related = ["institution", "imported_by"]


@admin.register(RepairApplication)
class RepairApplicationAdmin(ReadOnlyAdmin):
    list_display = ["institution", "year", "state", "submitted_by", "decided_by"]
    list_filter = ["state", "year"]
    list_select_related = ["institution", "submitted_by", "decided_by"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["community", "preset", "score", "band"]
    list_select_related = ["preset"]
