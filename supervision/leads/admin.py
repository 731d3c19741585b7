"""Admin pages for leads and their imports (read-only: they change through the services)."""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin
from supervision.leads.models import ImportBatch, Lead


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
