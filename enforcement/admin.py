"""Admin pages for system administrators: penalty rules and their bands, violation codes, thresholds (editable,
audited), and read-only views of cases, their timelines and agreement actions (those change only through the
procedure's services)."""

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from enforcement.models import (
    AgreementAction,
    Case,
    CaseEvent,
    DiscretionBand,
    Document,
    PenaltyRule,
    Thresholds,
    ViolationType,
)
from supervision import audit
from supervision.admin import AuditedAdmin, SuperuserOnlyMixin


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


class ReadOnlyAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """Records written only by services: the admin may look, never add or change."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "state", "jurisdiction", "opened_at"]
    list_filter = ["state", "jurisdiction"]
    search_fields = ["number", "title", "party_name", "institution__name"]
    list_select_related = ["jurisdiction"]
    date_hierarchy = "opened_at"


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "case", "action", "from_state", "to_state", "actor"]
    list_filter = ["action", "to_state"]
    search_fields = ["case__number", "actor__username", "comment"]
    list_select_related = ["case", "actor"]


@admin.register(AgreementAction)
class AgreementActionAdmin(ReadOnlyAdmin):
    list_display = ["kind", "institution", "state", "starts_on", "ends_on", "jurisdiction", "proposed_at"]
    list_filter = ["kind", "state", "jurisdiction"]
    search_fields = ["institution__name", "institution__code", "grounds"]
    list_select_related = ["institution", "jurisdiction"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Issued documents: numbered, hashed and versioned only by enforcement.services.documents."""

    list_display = ["number", "version", "kind", "jurisdiction", "issued_at", "issued_by", "superseded_at"]
    list_filter = ["kind", "jurisdiction"]
    search_fields = ["number", "case__number", "sha256"]
    list_select_related = ["jurisdiction", "issued_by"]
    exclude = ["html"]
    date_hierarchy = "issued_at"


from enforcement import admin_public  # noqa: E402, F401 - rewards and public disclosure (issue 6)
from enforcement.legal import admin as legal_admin  # noqa: E402, F401 - procedure rules, termination grounds (issue 14)
