"""Account pages (included under the supervision namespace)."""

from django.urls import path

from supervision.accounts import views

urlpatterns = [
    path("accounts/tokens/", views.TokenListView.as_view(), name="account-tokens"),
    path("accounts/tokens/revoke/", views.TokenRevokeView.as_view(), name="account-tokens-revoke"),
]
