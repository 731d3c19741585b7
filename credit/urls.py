from django.urls import path

from credit import views

app_name = "credit"

urlpatterns = [
    path("credit/ratings/", views.RatingListView.as_view(), name="rating-list"),
    path("credit/ratings/export/", views.RatingExportView.as_view(), name="rating-export"),
    path("credit/ratings/<int:pk>/", views.RatingDetailView.as_view(), name="rating-detail"),
    path(
        "credit/ratings/<int:pk>/self-correction/",
        views.RatingSelfCorrectionView.as_view(),
        name="rating-self-correction",
    ),
    path("credit/schemes/", views.SchemeListView.as_view(), name="scheme-list"),
    path("credit/settlements/import/", views.SettlementImportView.as_view(), name="settlement-import"),
    path("credit/repairs/", views.RepairListView.as_view(), name="repair-list"),
    path("credit/repairs/new/", views.RepairCreateView.as_view(), name="repair-create"),
    path("credit/repairs/<int:pk>/", views.RepairDetailView.as_view(), name="repair-detail"),
    path("credit/repairs/<int:pk>/approve/", views.RepairApproveView.as_view(), name="repair-approve"),
    path("credit/repairs/<int:pk>/refuse/", views.RepairRefuseView.as_view(), name="repair-refuse"),
    path("credit/assessments/", views.AssessmentListView.as_view(), name="assessment-list"),
    path("credit/assessments/new/", views.AssessmentCreateView.as_view(), name="assessment-create"),
    path("credit/assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment-detail"),
    path("credit/assessments/<int:pk>/edit/", views.AssessmentUpdateView.as_view(), name="assessment-update"),
]
