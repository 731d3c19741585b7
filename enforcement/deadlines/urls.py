"""期限计算 page (included from enforcement.urls) and its API route (included from config.api_urls)."""

from django.urls import path

from enforcement.deadlines import api, views

urlpatterns = [
    path("deadlines/", views.DeadlineCalculatorView.as_view(), name="deadline-calculator"),
]

api_urlpatterns = [
    path("deadlines/", api.DeadlinesView.as_view(), name="deadlines"),
]
