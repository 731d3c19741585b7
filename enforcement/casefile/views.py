"""Pages of the case file (卷宗): the catalogue with its completeness, the downloads (bound PDF, ZIP with
``manifest.json``; an evidence item through the evidence feature's download), and verification against the
manifest recorded at archiving.

Same order of checks as every page (``ScopedMixin``): login, the view permission anywhere (403), the case from
``visible_to`` (404 out of scope or absent), the permission on the case (403). Every download is audited.
"""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.views import View
from django.views.generic import DetailView

from enforcement.casefile import selectors, services
from enforcement.casefile.api import download
from enforcement.cases.models import Case, CaseState
from enforcement.cases.procedure import ACTIONS, available_actions
from portal.mixins import ScopedMixin


class CaseFileMixin(ScopedMixin):
    model = Case
    permission_required = "enforcement.view_case"
    select_related = ("jurisdiction", "institution")
    object_view = True


class CaseFilePageView(CaseFileMixin, DetailView):
    """The file's catalogue (items in order, pages, SHA-256), what it lacks, downloads and verification."""

    template_name = "enforcement/case_file.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(file_context(self.object, self.request.user))
        return context


def file_context(case: Case, user) -> dict:
    items = selectors.file_items(case)
    rows = services.catalogue_rows(items)
    actions = {a.name for a in available_actions(case, user)}
    return {
        "rows": rows,
        "pages": rows[-1].last if rows else 0,
        "missing": selectors.missing_items(case, items, closing=case.state == "executing"),
        "manifest_sha256": case.manifest_sha256 or selectors.manifest_sha256(case, items),
        "is_archived": case.state == CaseState.ARCHIVED,
        "can_archive": "archive" in actions,
        "archive_action": ACTIONS["archive"],
    }


class CaseFilePdfView(CaseFileMixin, View):
    def get(self, request, *args, **kwargs):
        case = self.object
        data, _pages = services.file_pdf(case)
        services.file_record_download(case=case, by=request.user, what="file.pdf")
        return download(data, f"{case.number}-file.pdf", "application/pdf")


class CaseFileZipView(CaseFileMixin, View):
    def get(self, request, *args, **kwargs):
        case = self.object
        data = services.file_zip(case)
        services.file_record_download(case=case, by=request.user, what="file.zip")
        return download(data, f"{case.number}-file.zip", "application/zip")


class CaseFileVerifyView(CaseFileMixin, View):
    """POST: re-hash every item and the manifest; the page shows the result (audited)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs) -> HttpResponse:
        case = self.object
        result = services.verify_file(case)
        services.file_record_verification(result=result, by=request.user)
        context = {"object": case, "case": case, "verification": result, **file_context(case, request.user)}
        return TemplateResponse(request, "enforcement/case_file.html", context, status=200)
