"""Admin pages for leads, imports, inspections, draws (read-only: they change through the services) and the
declared conflicts (回避) that draws exclude."""

from django.contrib import admin

from portal.admin import AuditedAdmin, SuperuserOnlyMixin
from supervision.inspections.models import ConflictDeclaration, Inspection, RandomDraw
from supervision.leads.models import ImportBatch, Lead


class ReadOnlyAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ["pk", "received_on", "source", "institution", "status", "jurisdiction", "verification_due"]
    list_filter = ["status", "source", "jurisdiction"]
    search_fields = ["external_id", "institution__code", "institution__name", "description"]
    list_select_related = ["institution", "jurisdiction"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ["pk", "created_at", "file_name", "created_by", "status", "created_count", "skipped_count"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    exclude = ["errors"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "planned_on", "kind", "title", "institution", "status", "jurisdiction"]
    list_filter = ["kind", "status", "jurisdiction"]
    search_fields = ["title", "institution__name", "institution__code"]
    list_select_related = ["institution", "jurisdiction"]


@admin.register(RandomDraw)
class RandomDrawAdmin(ReadOnlyAdmin):
    list_display = ["pk", "drawn_at", "title", "kind", "seed", "published_at"]
    list_filter = ["kind"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(AuditedAdmin):
    """An officer's declared conflict of interest with an institution: random draws exclude the pair."""

    list_display = ["officer", "institution", "reason", "declared_on", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["officer__username", "officer__full_name", "institution__name", "institution__code"]
    autocomplete_fields = ["institution"]
    raw_id_fields = ["officer"]
