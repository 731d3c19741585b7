from django.urls import include, path

from supervision.inspections import views as inspections_views
from supervision.leads import views as leads_views
from supervision.org import views as org_views
from supervision.register import views as register_views
from supervision.reports import views as reports_views

app_name = "supervision"

urlpatterns = [
    path("units/", org_views.OrgUnitListView.as_view(), name="orgunit-list"),
    path("institutions/", register_views.InstitutionListView.as_view(), name="institution-list"),
    path("institutions/lookup/", register_views.InstitutionLookupView.as_view(), name="institution-lookup"),
    path("units/officers/lookup/", org_views.OfficerLookupView.as_view(), name="officer-lookup"),
    path("institutions/export/", register_views.InstitutionExportView.as_view(), name="institution-export"),
    path("institutions/new/", register_views.InstitutionCreateView.as_view(), name="institution-create"),
    path("institutions/<int:pk>/", register_views.InstitutionDetailView.as_view(), name="institution-detail"),
    path("institutions/<int:pk>/edit/", register_views.InstitutionUpdateView.as_view(), name="institution-update"),
    path(
        "institutions/<int:pk>/transfer/", register_views.InstitutionTransferView.as_view(), name="institution-transfer"
    ),
    path(
        "institutions/<int:pk>/agreements/new/", register_views.AgreementCreateView.as_view(), name="agreement-create"
    ),
    path("agreements/", register_views.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/<int:pk>/", register_views.AgreementDetailView.as_view(), name="agreement-detail"),
    path("", include("supervision.accounts.urls")),  # API tokens of one's own account (issue 13)
    path("", include("supervision.notifications.urls")),  # my inbox and notifications (issue 16)
    # Leads and their import
    path("leads/", leads_views.LeadListView.as_view(), name="lead-list"),
    path("leads/export/", leads_views.LeadExportView.as_view(), name="lead-export"),
    path("leads/new/", leads_views.LeadCreateView.as_view(), name="lead-create"),
    path("leads/dispatch/", leads_views.LeadBulkDispatchView.as_view(), name="lead-bulk-dispatch"),
    path("leads/<int:pk>/", leads_views.LeadDetailView.as_view(), name="lead-detail"),
    path("leads/<int:pk>/dispatch/", leads_views.LeadDispatchView.as_view(), name="lead-dispatch"),
    path("leads/<int:pk>/verify/", leads_views.LeadStartVerificationView.as_view(), name="lead-start-verification"),
    path("leads/<int:pk>/dismiss/", leads_views.LeadDismissView.as_view(), name="lead-dismiss"),
    path("leads/<int:pk>/confirm/", leads_views.LeadConfirmView.as_view(), name="lead-confirm"),
    path("leads/imports/", leads_views.ImportBatchListView.as_view(), name="leadimport-list"),
    path("leads/imports/new/", leads_views.LeadImportView.as_view(), name="leadimport-create"),
    path("leads/imports/<int:pk>/", leads_views.ImportBatchDetailView.as_view(), name="leadimport-detail"),
    path("leads/imports/<int:pk>/progress/", leads_views.ImportBatchProgressView.as_view(), name="leadimport-progress"),
    # Inspections and random draws
    path("inspections/", inspections_views.InspectionListView.as_view(), name="inspection-list"),
    path("inspections/new/", inspections_views.InspectionCreateView.as_view(), name="inspection-create"),
    path("inspections/<int:pk>/", inspections_views.InspectionDetailView.as_view(), name="inspection-detail"),
    path("inspections/<int:pk>/start/", inspections_views.InspectionStartView.as_view(), name="inspection-start"),
    path("inspections/<int:pk>/findings/", inspections_views.FindingCreateView.as_view(), name="finding-create"),
    path("inspections/<int:pk>/finish/", inspections_views.InspectionFinishView.as_view(), name="inspection-finish"),
    path("inspections/<int:pk>/close/", inspections_views.InspectionCloseView.as_view(), name="inspection-close"),
    path("inspections/<int:pk>/cancel/", inspections_views.InspectionCancelView.as_view(), name="inspection-cancel"),
    path("findings/<int:pk>/evidence/", inspections_views.FindingEvidenceView.as_view(), name="finding-evidence"),
    path("draws/", inspections_views.RandomDrawListView.as_view(), name="randomdraw-list"),
    path("draws/new/", inspections_views.RandomDrawCreateView.as_view(), name="randomdraw-create"),
    path("draws/<int:pk>/", inspections_views.RandomDrawDetailView.as_view(), name="randomdraw-detail"),
    path("draws/<int:pk>/verify/", inspections_views.RandomDrawVerifyView.as_view(), name="randomdraw-verify"),
    path("draws/<int:pk>/publish/", inspections_views.RandomDrawPublishView.as_view(), name="randomdraw-publish"),
    # Reports (issue 6): the social supervisor's own portal, and the staff pages
    path("supervisor/", reports_views.MyReportListView.as_view(), name="my-reports"),
    path("supervisor/reports/new/", reports_views.MyReportCreateView.as_view(), name="my-report-create"),
    path("supervisor/reports/<int:pk>/", reports_views.MyReportDetailView.as_view(), name="my-report-detail"),
    path(
        "supervisor/reports/<int:pk>/attachments/<int:doc>/",
        reports_views.MyReportAttachmentView.as_view(),
        name="my-report-attachment",
    ),
    path("reports/", reports_views.ReportListView.as_view(), name="report-list"),
    path("reports/<int:pk>/", reports_views.ReportDetailView.as_view(), name="report-detail"),
    path("reports/<int:pk>/reply/", reports_views.ReportReplyView.as_view(), name="report-reply"),
    path("reports/<int:pk>/close/", reports_views.ReportCloseView.as_view(), name="report-close"),
    path(
        "reports/<int:pk>/attachments/<int:doc>/",
        reports_views.ReportAttachmentView.as_view(),
        name="report-attachment",
    ),
    path("screening/", include("supervision.screening.urls")),  # smart screening (issue 18)
]
