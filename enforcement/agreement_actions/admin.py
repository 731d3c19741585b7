"""Admin pages for system administrators: penalty rules and their bands, violation codes, thresholds (editable,"""

from django.contrib import admin

from enforcement.agreement_actions.models import AgreementAction
from portal.admin import ReadOnlyAdmin


@admin.register(AgreementAction)
class AgreementActionAdmin(ReadOnlyAdmin):
    list_display = ["kind", "institution", "state", "starts_on", "ends_on", "jurisdiction", "proposed_at"]
    list_filter = ["kind", "state", "jurisdiction"]
    search_fields = ["institution__name", "institution__code", "grounds"]
    list_select_related = ["institution", "jurisdiction"]
