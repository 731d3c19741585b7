"""Investigation records in the admin: read-only (they are written through their services, audited)."""

from django.contrib import admin

from enforcement.records.models import InvestigationRecord, RecordAnswer
from portal.admin import ReadOnlyAdmin


class RecordAnswerInline(admin.TabularInline):
    model = RecordAnswer
    extra = 0
    can_delete = False
    readonly_fields = ["position", "question", "answer"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(InvestigationRecord)
class InvestigationRecordAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "person_name", "state", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["case__number", "person_name", "recipient"]
    list_select_related = ["case"]
    inlines = [RecordAnswerInline]
