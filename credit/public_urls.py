"""Public credit pages (no login), included under /public/credit/."""

from django.urls import path

from credit import views

app_name = "credit_public"

urlpatterns = [
    path("grade-e/", views.PublicGradeEListView.as_view(), name="grade-e"),
]
