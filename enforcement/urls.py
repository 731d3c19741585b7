from django.urls import include, path

from enforcement.agreement_actions import views as agreement_actions_views
from enforcement.cases import views as cases_views
from enforcement.documents import views as documents_views
from enforcement.follow_ups import views as leads_views
from enforcement.hearings import views as hearings_views
from enforcement.rewards import views as rewards_views
from enforcement.rules import views as rules_views

app_name = "enforcement"

urlpatterns = [
    path("cases/", cases_views.CaseListView.as_view(), name="case-list"),
    path("cases/export/", cases_views.CaseExportView.as_view(), name="case-export"),
    path("cases/new/", cases_views.CaseCreateView.as_view(), name="case-create"),
    # 批量批准立案 (issue 16): confirm the ticked cases, then the per-case result (post, redirect, get).
    path(
        "cases/bulk/approve-filing/", cases_views.CaseBulkApproveFilingView.as_view(), name="case-bulk-approve-filing"
    ),
    path("cases/bulk/result/", cases_views.CaseBulkResultView.as_view(), name="case-bulk-result"),
    path("cases/<int:pk>/", cases_views.CaseDetailView.as_view(), name="case-detail"),
    path("cases/<int:pk>/act/<slug:action>/", cases_views.CaseActionView.as_view(), name="case-act"),
    path("cases/<int:pk>/hearing/", hearings_views.HearingRecordView.as_view(), name="case-hearing"),  # issue 15
    path("agreement-actions/", agreement_actions_views.AgreementActionListView.as_view(), name="agreementaction-list"),
    path(
        "agreement-actions/new/",
        agreement_actions_views.AgreementActionCreateView.as_view(),
        name="agreementaction-create",
    ),
    path(
        "agreement-actions/<int:pk>/",
        agreement_actions_views.AgreementActionDetailView.as_view(),
        name="agreementaction-detail",
    ),
    path(
        "agreement-actions/<int:pk>/approve/",
        agreement_actions_views.AgreementActionApproveView.as_view(),
        name="agreementaction-approve",
    ),
    path(
        "agreement-actions/<int:pk>/reject/",
        agreement_actions_views.AgreementActionRejectView.as_view(),
        name="agreementaction-reject",
    ),
    path(
        "agreement-actions/<int:pk>/apply/",
        agreement_actions_views.AgreementActionApplyView.as_view(),
        name="agreementaction-apply",
    ),
    path(
        "agreement-actions/<int:pk>/revoke/",
        agreement_actions_views.AgreementActionRevokeView.as_view(),
        name="agreementaction-revoke",
    ),
    path("rules/", rules_views.PenaltyRuleListView.as_view(), name="penaltyrule-list"),
    path("", include("enforcement.deadlines.urls")),  # 期限计算 (issue 14)
    path("", include("enforcement.evidence.urls")),  # evidence, preservations, sealings (issue 15)
    path("", include("enforcement.casefile.urls")),  # 卷宗 (issue 15)
    # Whistleblower rewards (issue 6)
    path("rewards/", rewards_views.RewardListView.as_view(), name="reward-list"),
    path("rewards/new/", rewards_views.RewardCreateView.as_view(), name="reward-create"),
    path("rewards/bulk/approve/", rewards_views.RewardBulkApproveView.as_view(), name="reward-bulk-approve"),
    path("rewards/bulk/result/", rewards_views.RewardBulkResultView.as_view(), name="reward-bulk-result"),
    path("rewards/<int:pk>/", rewards_views.RewardDetailView.as_view(), name="reward-detail"),
    path("rewards/<int:pk>/approve/", rewards_views.RewardApproveView.as_view(), name="reward-approve"),
    path("rewards/<int:pk>/reject/", rewards_views.RewardRejectView.as_view(), name="reward-reject"),
    path("rewards/<int:pk>/claim/", rewards_views.RewardClaimView.as_view(), name="reward-claim"),
    # Following up confirmed leads and inspection findings (issue 5).
    path("leads/<int:pk>/open-case/", leads_views.CaseFollowUpView.as_view(), name="lead-open-case"),
    path(
        "leads/<int:pk>/agreement-action/",
        leads_views.AgreementActionFollowUpView.as_view(),
        name="lead-agreementaction",
    ),
    path("findings/<int:pk>/open-case/", leads_views.FindingCaseFollowUpView.as_view(), name="finding-open-case"),
    path(
        "findings/<int:pk>/agreement-action/",
        leads_views.FindingAgreementActionFollowUpView.as_view(),
        name="finding-agreementaction",
    ),
    # Documents (documents_views.py, issue 4): per case, per agreement action, the list and batch printing.
    path("cases/<int:pk>/documents/issue/", documents_views.DocumentIssueView.as_view(), name="case-document-issue"),
    path(
        "cases/<int:pk>/documents/preview/<slug:kind>/",
        documents_views.DocumentDraftView.as_view(),
        name="case-document-draft",
    ),
    path(
        "cases/<int:pk>/documents/<int:doc>/preview/",
        documents_views.DocumentPreviewView.as_view(),
        name="case-document-preview",
    ),
    path(
        "cases/<int:pk>/documents/<int:doc>/download/",
        documents_views.DocumentDownloadView.as_view(),
        name="case-document-download",
    ),
    path(
        "agreement-actions/<int:pk>/documents/issue/",
        documents_views.AgreementActionDocumentIssueView.as_view(),
        name="agreementaction-document-issue",
    ),
    path(
        "agreement-actions/<int:pk>/documents/preview/<slug:kind>/",
        documents_views.AgreementActionDocumentDraftView.as_view(),
        name="agreementaction-document-draft",
    ),
    path(
        "agreement-actions/<int:pk>/documents/<int:doc>/preview/",
        documents_views.AgreementActionDocumentPreviewView.as_view(),
        name="agreementaction-document-preview",
    ),
    path(
        "agreement-actions/<int:pk>/documents/<int:doc>/download/",
        documents_views.AgreementActionDocumentDownloadView.as_view(),
        name="agreementaction-document-download",
    ),
    path("documents/", documents_views.DocumentListView.as_view(), name="document-list"),
    path("documents/print/", documents_views.PrintBatchCreateView.as_view(), name="document-print"),
    path("documents/print/<int:pk>/", documents_views.PrintBatchDetailView.as_view(), name="printbatch-detail"),
    path("documents/print/<int:pk>/status/", documents_views.PrintBatchStatusView.as_view(), name="printbatch-status"),
    path(
        "documents/print/<int:pk>/download/",
        documents_views.PrintBatchDownloadView.as_view(),
        name="printbatch-download",
    ),
]

# The recovery ledger and the statistics (issue 17).
from enforcement.records.urls import urlpatterns as record_urls  # noqa: E402
from enforcement.recoveries.urls import urlpatterns as recovery_urls  # noqa: E402
from enforcement.statistics.urls import urlpatterns as statistics_urls  # noqa: E402

urlpatterns += recovery_urls + statistics_urls
urlpatterns += record_urls  # Investigation records (issue 15 item 2)
