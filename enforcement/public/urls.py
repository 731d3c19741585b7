"""/public/: the disclosure pages and the public report form (no login)."""

from django.urls import path

from enforcement.public import views as public_views

app_name = "public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("decisions/<int:pk>/", public_views.case_detail, name="case-detail"),
    path("report/", public_views.report, name="report"),
    path("report/done/", public_views.report_done, name="report-done"),
    path("report/track/", public_views.report_track, name="report-track"),
]
