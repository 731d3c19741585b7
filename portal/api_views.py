"""The OpenAPI schema and its browsable docs, for signed-in users only."""

from django.contrib.auth.decorators import login_required
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import permissions


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema, for signed-in users and token holders only."""

    permission_classes = [permissions.IsAuthenticated]


docs_view = login_required(SpectacularSwaggerView.as_view(url_name="api-schema"))
