"""Admin pages for system administrators: penalty rules and their bands, violation codes, thresholds (editable,"""

from django.contrib import admin

from enforcement.cases.models import Case, CaseEvent
from portal.admin import ReadOnlyAdmin


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
