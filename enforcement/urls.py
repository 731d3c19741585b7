from django.urls import path

from enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("cases/", views.CaseListView.as_view(), name="case-list"),
    path("cases/export/", views.CaseExportView.as_view(), name="case-export"),
    path("cases/new/", views.CaseCreateView.as_view(), name="case-create"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/act/<slug:action>/", views.CaseActionView.as_view(), name="case-act"),
    path("agreement-actions/", views.AgreementActionListView.as_view(), name="agreementaction-list"),
    path("agreement-actions/new/", views.AgreementActionCreateView.as_view(), name="agreementaction-create"),
    path("agreement-actions/<int:pk>/", views.AgreementActionDetailView.as_view(), name="agreementaction-detail"),
    path(
        "agreement-actions/<int:pk>/approve/",
        views.AgreementActionApproveView.as_view(),
        name="agreementaction-approve",
    ),
    path(
        "agreement-actions/<int:pk>/reject/", views.AgreementActionRejectView.as_view(), name="agreementaction-reject"
    ),
    path("agreement-actions/<int:pk>/apply/", views.AgreementActionApplyView.as_view(), name="agreementaction-apply"),
    path("rules/", views.PenaltyRuleListView.as_view(), name="penaltyrule-list"),
]
