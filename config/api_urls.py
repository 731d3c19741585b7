"""/api/v1/: one router for every app's viewsets, the token endpoint, schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from enforcement import api as enforcement_api
from supervision import api as supervision_api

router = DefaultRouter()
router.register("org-units", supervision_api.OrgUnitViewSet, basename="orgunit")
router.register("institutions", supervision_api.InstitutionViewSet, basename="institution")
router.register("agreements", supervision_api.AgreementViewSet, basename="agreement")
router.register("cases", enforcement_api.CaseViewSet, basename="case")
router.register("agreement-actions", enforcement_api.AgreementActionViewSet, basename="agreementaction")

urlpatterns = [
    path("auth/token/", supervision_api.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
