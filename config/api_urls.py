"""/api/v1/: one router for every app's viewsets, the token endpoint, schema and docs."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from credit import api as credit_api
from enforcement import api as enforcement_api
from enforcement import documents_api
from enforcement import leads_api as enforcement_leads_api
from enforcement.deadlines import urls as deadline_urls
from supervision import api as supervision_api
from supervision import inspections_api, leads_api, reports_api

router = DefaultRouter()
router.register("org-units", supervision_api.OrgUnitViewSet, basename="orgunit")
router.register("institutions", supervision_api.InstitutionViewSet, basename="institution")
router.register("agreements", supervision_api.AgreementViewSet, basename="agreement")
router.register("leads", leads_api.LeadViewSet, basename="lead")
router.register("inspections", inspections_api.InspectionViewSet, basename="inspection")
router.register("random-draws", inspections_api.RandomDrawViewSet, basename="randomdraw")
router.register("reports", reports_api.ReportViewSet, basename="report")
router.register("cases", enforcement_api.CaseViewSet, basename="case")
router.register("agreement-actions", enforcement_api.AgreementActionViewSet, basename="agreementaction")
router.register("credit/ratings", credit_api.CreditRatingViewSet, basename="creditrating")  # issue 7
router.register(r"cases/(?P<pk>[0-9]+)/documents", documents_api.CaseDocumentViewSet, basename="case-document")

urlpatterns = [
    path("auth/token/", supervision_api.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Following up confirmed leads and inspection findings (enforcement side of issue 5).
    path("leads/<int:pk>/open-case/", enforcement_leads_api.CaseFollowUpAPIView.as_view(), name="lead-open-case"),
    path(
        "leads/<int:pk>/agreement-action/",
        enforcement_leads_api.AgreementActionFollowUpAPIView.as_view(),
        name="lead-agreementaction",
    ),
    path(
        "findings/<int:pk>/open-case/",
        enforcement_leads_api.FindingCaseFollowUpAPIView.as_view(),
        name="finding-open-case",
    ),
    path(
        "findings/<int:pk>/agreement-action/",
        enforcement_leads_api.FindingAgreementActionFollowUpAPIView.as_view(),
        name="finding-agreementaction",
    ),
    path("assessments/score/", credit_api.AssessmentScoreView.as_view(), name="assessment-score"),  # issue 7
    path("", include(deadline_urls.api_urlpatterns)),  # deadlines/?from= (issue 14)
    path("", include(router.urls)),
]
