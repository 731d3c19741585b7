"""The Evidence section's routes (included from enforcement.urls) and the API's (included from config.api_urls)."""

from django.urls import path

from enforcement.evidence import api, views

urlpatterns = [
    path("cases/<int:pk>/evidence/add/", views.EvidenceCreateView.as_view(), name="case-evidence-add"),
    path("cases/<int:pk>/evidence/<int:doc>/", views.EvidenceDownloadView.as_view(), name="case-evidence-download"),
    path("cases/<int:pk>/preservations/", views.PreservationRequestView.as_view(), name="case-preservation-request"),
    path(
        "cases/<int:pk>/preservations/<int:doc>/approve/",
        views.PreservationApproveView.as_view(),
        name="case-preservation-approve",
    ),
    path(
        "cases/<int:pk>/preservations/<int:doc>/reject/",
        views.PreservationRejectView.as_view(),
        name="case-preservation-reject",
    ),
    path(
        "cases/<int:pk>/preservations/<int:doc>/decide/",
        views.PreservationDecideView.as_view(),
        name="case-preservation-decide",
    ),
    path("cases/<int:pk>/sealings/", views.SealingCreateView.as_view(), name="case-sealing-create"),
    path("cases/<int:pk>/sealings/<int:doc>/lift/", views.SealingLiftView.as_view(), name="case-sealing-lift"),
]

api_urlpatterns = [
    path("cases/<int:pk>/evidence/", api.CaseEvidenceView.as_view(), name="case-evidence-list"),
    path("cases/<int:pk>/evidence/<int:doc>/download/", api.EvidenceDownloadView.as_view(), name="case-evidence-file"),
]
