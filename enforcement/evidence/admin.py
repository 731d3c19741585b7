"""Admin pages (read-only): evidence, preservations and sealings are written only by their services."""

from django.contrib import admin

from enforcement.evidence.models import Evidence, Preservation, Sealing
from portal.admin import ReadOnlyAdmin


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "case", "collected_on", "collected_by", "sha256"]
    list_filter = ["kind"]
    search_fields = ["title", "case__number", "sha256"]
    list_select_related = ["case", "collected_by"]


@admin.register(Preservation)
class PreservationAdmin(ReadOnlyAdmin):
    list_display = ["case", "state", "preserved_on", "decision_due", "outcome"]
    list_filter = ["state", "outcome"]
    list_select_related = ["case"]


@admin.register(Sealing)
class SealingAdmin(ReadOnlyAdmin):
    list_display = ["case", "state", "sealed_on", "lifted_on"]
    list_filter = ["state"]
    list_select_related = ["case"]
