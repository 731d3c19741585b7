"""/api/v1/: one router for every app's viewsets, the token endpoint, schema and docs."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from credit import api as credit_api
from enforcement.agreement_actions import api as agreement_actions_api
from enforcement.casefile import urls as casefile_urls
from enforcement.cases import api as cases_api
from enforcement.deadlines import urls as deadline_urls
from enforcement.documents import api as documents_api
from enforcement.evidence import urls as evidence_urls
from enforcement.follow_ups import api as enforcement_leads_api
from enforcement.recoveries import api as recovery_api
from enforcement.statistics import api as statistics_api
from portal.api_views import SchemaView, docs_view
from supervision.inspections import api as inspections_api
from supervision.leads import api as leads_api
from supervision.notifications import api as notifications_api
from supervision.org import api as org_api
from supervision.register import api as register_api
from supervision.reports import api as reports_api
from supervision.screening import api as screening_api

router = DefaultRouter()
router.register("org-units", org_api.OrgUnitViewSet, basename="orgunit")
router.register("institutions", register_api.InstitutionViewSet, basename="institution")
router.register("agreements", register_api.AgreementViewSet, basename="agreement")
router.register("leads", leads_api.LeadViewSet, basename="lead")
router.register("inspections", inspections_api.InspectionViewSet, basename="inspection")
router.register("random-draws", inspections_api.RandomDrawViewSet, basename="randomdraw")
router.register("reports", reports_api.ReportViewSet, basename="report")
router.register("cases", cases_api.CaseViewSet, basename="case")
router.register("agreement-actions", agreement_actions_api.AgreementActionViewSet, basename="agreementaction")
router.register("credit/ratings", credit_api.CreditRatingViewSet, basename="creditrating")  # issue 7
router.register("screening/rules", screening_api.RuleViewSet, basename="screening-rule")  # issue 18
router.register("screening/runs", screening_api.RunViewSet, basename="screening-run")
router.register("settlement-batches", screening_api.SettlementBatchViewSet, basename="settlementbatch")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")  # issue 16
router.register("recoveries", recovery_api.RecoveryEntryViewSet, basename="recoveryentry")  # issue 17
router.register(r"cases/(?P<pk>[0-9]+)/documents", documents_api.CaseDocumentViewSet, basename="case-document")

urlpatterns = [
    path("auth/token/", org_api.TokenView.as_view(), name="api-token"),
    path("schema/", SchemaView.as_view(), name="api-schema"),  # signed-in users and token holders only
    path("docs/", docs_view, name="api-docs"),
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
    path("leads/<int:pk>/hits/", screening_api.LeadHitsView.as_view(), name="lead-hits"),  # issue 18
    path("inbox/", notifications_api.InboxAPIView.as_view(), name="inbox"),  # issue 16
    path("statistics/", statistics_api.StatisticsAPIView.as_view(), name="statistics"),  # issue 17
    path("assessments/score/", credit_api.AssessmentScoreView.as_view(), name="assessment-score"),  # issue 7
    path("", include(deadline_urls.api_urlpatterns)),  # deadlines/?from= (issue 14)
    path("", include(evidence_urls.api_urlpatterns)),  # cases/{id}/evidence/ (issue 15)
    path("", include(casefile_urls.api_urlpatterns)),  # cases/{id}/file/ (issue 15)
    path("", include(router.urls)),
]
