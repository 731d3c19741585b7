"""Admin pages for inspections and draws (read-only: they change through the services) and the declared
conflicts (回避) that draws exclude."""

from django.contrib import admin

from portal.admin import AuditedAdmin, ReadOnlyAdmin
from supervision.inspections.models import ConflictDeclaration, Inspection, RandomDraw


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
