"""Admin pages for social supervisors' appointments (kept by the appointing unit's administrator) and reports
(read-only: reports change through the services; the reporter's identity is not listed)."""

from django.contrib import admin
from django.db import transaction

from portal.admin import AuditedAdmin, ReadOnlyAdmin
from supervision.org.models import Role
from supervision.reports.models import Report, SupervisorAppointment


@admin.register(SupervisorAppointment)
class SupervisorAppointmentAdmin(AuditedAdmin):
    """Appointment records: unit, term (2 years by default), status, contact officer; appointing gives the role."""

    list_display = ["user", "appointing_unit", "appointed_on", "term_ends_on", "status", "contact_officer"]
    list_filter = ["status", "appointing_unit"]
    search_fields = ["user__username", "user__full_name", "certificate_number"]
    raw_id_fields = ["user", "contact_officer"]

    def save_model(self, request, obj, form, change):
        from supervision.org.services import role_assign

        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                role_assign(user=obj.user, role=Role.SUPERVISOR, unit=None, by=request.user, reason="appointment")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["pk", "received_on", "kind", "institution", "summary", "status", "reply_due", "jurisdiction"]
    list_filter = ["kind", "status", "jurisdiction"]
    search_fields = ["summary", "institution__name", "institution__code", "tracking_code"]
    list_select_related = ["institution", "jurisdiction"]
    fields = ["kind", "institution", "summary", "status", "received_on", "reply_due", "replied_on", "lead"]
