"""Shared API pieces: pagination, the error format, the 409 exception and the scoped viewset base."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, serializers, status, viewsets
from rest_framework.views import exception_handler as drf_exception_handler

from portal.api_errors import normalize_error
from portal.errors import InvalidState


class Conflict(exceptions.APIException):
    """The action is not allowed in the record's current state, or the write is stale."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This action is not allowed in the record's current state.")
    default_code = "conflict"


NOT_FOUND = _("Not found.")


def exception_handler(exc, context):
    """DRF's handler plus: Django validation errors become 400 with field errors, and every 404 has the
    same body whether the record is absent or out of the caller's scope."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(
                {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
            )
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, InvalidState):
        exc = Conflict(str(exc))
    if isinstance(exc, Http404 | exceptions.NotFound):
        exc = exceptions.NotFound(NOT_FOUND)
    return normalize_error(drf_exception_handler(exc, context))


class DomainPermission(permissions.BasePermission):
    """Maps each request to a named domain permission, checked against the object when there is one.

    ``perms`` on the view maps DRF actions to permission names; reading needs the model's view
    permission on the object as well (DRF's default map does not check GET).
    """

    def _perm(self, view):
        perms = getattr(view, "perms", {})
        return perms.get(view.action) or perms.get("*")

    def has_permission(self, request, view):
        perm = self._perm(view)
        if perm is None:
            return False
        return request.user.has_perm(perm)

    def has_object_permission(self, request, view, obj):
        perm = self._perm(view)
        return perm is not None and request.user.has_perm(perm, obj)


class ObjectRoutesMixin:
    """Scope first for every method: an unsupported method on a record the caller cannot see is a 404 too."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


class ScopedViewSetMixin:
    """get_queryset() always starts from visible_to(request.user)."""

    permission_classes = [permissions.IsAuthenticated, DomainPermission]
    scoped_queryset = None  # a callable(user) -> queryset

    def get_queryset(self):
        return self.scoped_queryset(self.request.user)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class PagePermissionsListSerializer(serializers.ListSerializer):
    """A list whose rows say what the caller may do: the caller's permissions are read once for the page
    (``portal.permissions.object_perm_checker``: grants in one query per table, roles once per unit) and
    handed to the row serializer as ``perm_checker``, so that no row asks the database or the roles again."""

    def to_representation(self, data):
        from portal.permissions import object_perm_checker

        rows = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        if request is not None:
            self.child.perm_checker = object_perm_checker(request.user, rows)
        return super().to_representation(rows)
