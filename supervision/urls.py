from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("units/", views.OrgUnitListView.as_view(), name="orgunit-list"),
    path("institutions/", views.InstitutionListView.as_view(), name="institution-list"),
    path("institutions/export/", views.InstitutionExportView.as_view(), name="institution-export"),
    path("institutions/new/", views.InstitutionCreateView.as_view(), name="institution-create"),
    path("institutions/<int:pk>/", views.InstitutionDetailView.as_view(), name="institution-detail"),
    path("institutions/<int:pk>/edit/", views.InstitutionUpdateView.as_view(), name="institution-update"),
    path("institutions/<int:pk>/transfer/", views.InstitutionTransferView.as_view(), name="institution-transfer"),
    path("institutions/<int:pk>/agreements/new/", views.AgreementCreateView.as_view(), name="agreement-create"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
]
