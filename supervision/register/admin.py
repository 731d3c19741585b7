"""Admin pages for system administrators (superusers): units, users and roles, the register, audit."""

from django.contrib import admin

from portal.admin import AuditedAdmin
from supervision.register.models import Agreement, AgreementStatusChange, Institution


@admin.register(Institution)
class InstitutionAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "level", "jurisdiction", "credit_grade"]
    list_filter = ["kind", "level", "jurisdiction"]
    search_fields = ["code", "name", "credit_code"]
    list_select_related = ["jurisdiction"]


class AgreementStatusChangeInline(admin.TabularInline):
    model = AgreementStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["effective_on", "from_status", "to_status", "reason", "cause", "by", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["number", "institution", "status", "valid_from", "valid_to", "jurisdiction"]
    list_filter = ["status", "jurisdiction"]
    search_fields = ["number", "institution__name"]
    list_select_related = ["institution", "jurisdiction"]
    readonly_fields = ["status"]  # status changes only through agreement actions and expiry
    inlines = [AgreementStatusChangeInline]
