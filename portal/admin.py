"""Admin base classes: the admin site is for superusers only, and every save through it is audited."""

from django.contrib import admin
from django.db import transaction

from portal import audit


class SuperuserOnlyMixin:
    """The admin site is for system administrators; domain roles never open it."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # records are retired (is_active) or superseded, never deleted


class AuditedAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """Saves through the admin write an audit row in the same transaction."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            audit.record(
                actor=request.user,
                verb="admin_update" if change else "admin_create",
                obj=obj,
                before=before,
                after=audit.snapshot(obj),
            )


class ReadOnlyAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    """Records written only by services: the admin may look, never add or change."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False
