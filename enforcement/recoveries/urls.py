"""Routes of the recovery ledger (included in the enforcement namespace)."""

from django.urls import path

from enforcement.recoveries import views

urlpatterns = [
    path("recoveries/", views.RecoveryListView.as_view(), name="recovery-list"),
    path("recoveries/export/", views.RecoveryExportView.as_view(), name="recovery-export"),
    path("recoveries/balances/", views.RecoveryBalanceView.as_view(), name="recovery-balances"),
    path("recoveries/new/", views.RecoveryCreateView.as_view(), name="recovery-create"),
    path("recoveries/<int:pk>/", views.RecoveryDetailView.as_view(), name="recovery-detail"),
    path("recoveries/<int:pk>/settle/", views.RecoverySettleView.as_view(), name="recovery-settle"),
]
