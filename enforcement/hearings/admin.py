from django.contrib import admin

from enforcement.hearings.models import HearingRecord


@admin.register(HearingRecord)
class HearingRecordAdmin(admin.ModelAdmin):
    list_display = ("case", "scheduled_at", "place", "chair")
    raw_id_fields = ("case", "chair", "updated_by")
