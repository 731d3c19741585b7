"""Admin pages for system administrators (superusers): units, users and roles, the register, audit."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal import audit
from portal.admin import AuditedAdmin, SuperuserOnlyMixin
from portal.workdays import CalendarDay
from supervision.accounts import services as account_services
from supervision.accounts.admin import revoke_api_tokens
from supervision.org import services as org_services
from supervision.org.models import AuditEvent, OrgUnit, RoleAssignment, User


@admin.register(OrgUnit)
class OrgUnitAdmin(AuditedAdmin):
    list_display = ["indented_name", "code", "kind", "is_active", "path"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]
    fields = ["code", "name", "kind", "parent", "doc_prefix", "is_active", "path", "depth"]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return "　" * (obj.depth - 1) + obj.name

    def save_model(self, request, obj, form, change):
        org_services.orgunit_save(unit=obj, by=request.user, reason=_("Changed in the admin site"))


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "unit", "is_active", "since"]
    autocomplete_fields = ["unit"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(SuperuserOnlyMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "is_active", "certificate_number", "certificate_expires"]
    search_fields = ["username", "full_name", "certificate_number"]
    inlines = [RoleAssignmentInline]
    # The legal reviewer's qualification (APL Art 58 ¶2) is recorded beside the enforcement certificate.
    ENFORCEMENT_FIELDS = ["full_name", "phone", "certificate_number", "certificate_expires"]
    ENFORCEMENT_FIELDS += ["legal_qualification_number", "legal_reviewer_since"]
    actions = [revoke_api_tokens]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Enforcement"), {"fields": ENFORCEMENT_FIELDS}),
    ]

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(User.objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            audit.record(
                actor=request.user,
                verb="admin_update" if change else "admin_create",
                obj=obj,
                before=before,
                after=audit.snapshot(obj),
            )
            if change and not obj.is_active:  # a deactivated user's API tokens go with them (issue 13)
                account_services.tokens_revoke(user=obj, by=request.user, reason="deactivated")

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            instances = formset.save(commit=False)
            for assignment in instances:
                before = audit.snapshot(RoleAssignment.objects.get(pk=assignment.pk)) if assignment.pk else None
                assignment.save()
                audit.record(
                    actor=request.user,
                    verb="admin_role",
                    obj=assignment.user,
                    before=before,
                    after=audit.snapshot(assignment),
                )
            formset.save_m2m()
            for unit in {a.unit for a in instances if a.unit_id}:
                org_services.unit_group_sync(unit)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    """Public holidays and make-up working days (调休); a year's notice is loaded with
    ``manage.py import_calendar FILE``."""

    list_display = ["day", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "day"


@admin.register(AuditEvent)
class AuditEventAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """Read-only: nobody can add, change or delete audit rows."""

    list_display = ["at", "actor", "actor_unit", "verb", "object_repr", "request_id"]
    list_filter = ["verb", "content_type"]
    search_fields = ["object_repr", "actor__username", "request_id"]
    list_select_related = ["actor", "actor_unit"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
