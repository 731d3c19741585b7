"""The OpenAPI schema and its browsable docs, for signed-in users and token holders only."""

from django.contrib.auth.views import redirect_to_login
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import exceptions, permissions


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (401 without credentials)."""

    permission_classes = [permissions.IsAuthenticated]


class DocsView(SpectacularSwaggerView):
    """Swagger UI; an anonymous visitor is sent to the login page."""

    permission_classes = [permissions.IsAuthenticated]
    url_name = "api-schema"

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


docs_view = DocsView.as_view()
