"""My inbox and my notifications (included under the supervision namespace)."""

from django.urls import path

from supervision.notifications import views

urlpatterns = [
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("notifications/", views.NotificationListView.as_view(), name="notification-list"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification-read"),
]
