"""The case file's pages (included from enforcement.urls) and its API routes (included from config.api_urls).

An evidence item of the file is downloaded through the evidence feature's own routes (``case-evidence-download``,
``case-evidence-file``), which audit every download: the file has no copy of them."""

from django.urls import path

from enforcement.casefile import api, views

urlpatterns = [
    path("cases/<int:pk>/file/", views.CaseFilePageView.as_view(), name="case-file"),
    path("cases/<int:pk>/file.pdf", views.CaseFilePdfView.as_view(), name="case-file-pdf"),
    path("cases/<int:pk>/file.zip", views.CaseFileZipView.as_view(), name="case-file-zip"),
    path("cases/<int:pk>/file/verify/", views.CaseFileVerifyView.as_view(), name="case-file-verify"),
]

api_urlpatterns = [
    path("cases/<int:pk>/file/", api.CaseFileView.as_view(), name="case-file"),
    path("cases/<int:pk>/file.pdf", api.CaseFilePdfView.as_view(), name="case-file-pdf"),
    path("cases/<int:pk>/file.zip", api.CaseFileZipView.as_view(), name="case-file-zip"),
]
