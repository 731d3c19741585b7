"""Routes of the statistics pages (included in the enforcement namespace)."""

from django.urls import path

from enforcement.statistics import views

urlpatterns = [
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics/refresh/", views.StatisticsRefreshView.as_view(), name="statistics-refresh"),
    path("statistics/export/", views.StatisticsExportView.as_view(), name="statistics-export"),
    path("statistics/export/rows/", views.StatisticsRowsExportView.as_view(), name="statistics-rows-export"),
]
