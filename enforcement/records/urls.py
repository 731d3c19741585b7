from django.urls import path

from enforcement.records import views

urlpatterns = [
    path("cases/<int:pk>/records/new/<slug:record_kind>/", views.RecordCreateView.as_view(), name="record-create"),
    path("records/<int:pk>/", views.RecordDetailView.as_view(), name="record-detail"),
    path("records/<int:pk>/edit/", views.RecordUpdateView.as_view(), name="record-edit"),
    path("records/<int:pk>/preview/", views.RecordPreviewView.as_view(), name="record-preview"),
    path("records/<int:pk>/issue/", views.RecordIssueView.as_view(), name="record-issue"),
    path("records/<int:pk>/attach/", views.RecordAttachView.as_view(), name="record-attach"),
]
