from django.urls import path

from supervision.screening import views

app_name = "screening"

urlpatterns = [
    path("", views.RuleListView.as_view(), name="rule-list"),
    path("rules/<int:pk>/", views.RuleDetailView.as_view(), name="rule-detail"),
    path("rules/<int:pk>/edit/", views.RuleUpdateView.as_view(), name="rule-update"),
    path("runs/", views.RunListView.as_view(), name="run-list"),
    path("runs/new/", views.RunCreateView.as_view(), name="run-create"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("runs/<int:pk>/cancel/", views.RunCancelView.as_view(), name="run-cancel"),
    path("runs/<int:pk>/progress/", views.RunProgressView.as_view(), name="run-progress"),
    path("settlements/", views.BatchListView.as_view(), name="batch-list"),
    path("settlements/new/", views.BatchCreateView.as_view(), name="batch-create"),
    path("settlements/<int:pk>/", views.BatchDetailView.as_view(), name="batch-detail"),
    path("settlements/<int:pk>/progress/", views.BatchProgressView.as_view(), name="batch-progress"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("catalogue/import/", views.CatalogueImportView.as_view(), name="catalogue-import"),
    path("leads/<int:pk>/hits/", views.LeadHitsView.as_view(), name="lead-hits"),
    path("leads/<int:pk>/hits/export/", views.LeadHitsExportView.as_view(), name="lead-hits-export"),
]
