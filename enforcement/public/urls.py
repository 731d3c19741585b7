"""/public/: the disclosure pages and the public report form (no login)."""

from django.urls import path

from enforcement.public import views as public_views
from supervision.register import views as register_views

app_name = "public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("decisions/<int:pk>/", public_views.case_detail, name="case-detail"),
    path("report/", public_views.report, name="report"),
    path("register/lookup/", register_views.public_register_lookup, name="register-lookup"),
    path("report/done/", public_views.report_done, name="report-done"),
    path("report/track/", public_views.report_track, name="report-track"),
]
