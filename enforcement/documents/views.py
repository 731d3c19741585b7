"""Pages of issued documents: the Documents panel of a case or agreement action, issuing, print preview,
download, the documents list and batch printing.

Every route goes through ``ScopedMixin``'s order: login, the role's permission anywhere (403), the record and
the document from ``visible_to`` (404 when out of scope or absent), the permission on the object (403).
"""

from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.models import Case
from enforcement.cases.services import InvalidState
from enforcement.documents import services as document_services
from enforcement.documents.content import TITLES
from enforcement.documents.filters import DocumentFilter
from enforcement.documents.models import Document, DocumentKind, PrintBatch
from portal.mixins import FilteredListMixin, ScopedMixin, error_message

# A stored document is shown as it was issued: its own inline print CSS, and nothing else may load or run.
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
DECISION_FOR_OUTCOME = {
    Case.Outcome.PENALTY: DocumentKind.PENALTY_DECISION,
    Case.Outcome.NO_PENALTY: DocumentKind.NO_PENALTY_DECISION,
}


def document_panel(subject, user) -> dict:
    """Context of the Documents section on a case or agreement-action page (one query for the list)."""
    is_case = isinstance(subject, Case)
    documents = list(
        Document.objects.visible_to(user)
        .filter(**({"case": subject} if is_case else {"agreement_action": subject}))
        .select_related("issued_by")
        .order_by("kind", "number", "-version")
    )
    kwargs = {"case": subject} if is_case else {"action": subject}
    current = {d.kind for d in documents if not d.is_superseded}
    issuable = document_services.issuable_kinds(by=user, current_kinds=current, **kwargs)
    labels = dict(DocumentKind.choices)
    decision = DECISION_FOR_OUTCOME.get(subject.outcome) if is_case else None
    route = "enforcement:case-document" if is_case else "enforcement:agreementaction-document"
    choices = []
    for kind in issuable:
        draft_url = reverse(f"{route}-draft", args=[subject.pk, kind])
        if kind == DocumentKind.COLLECTIVE_DISCUSSION_RECORD:
            # One record per discussion: a button for each, re-issued only for the discussion it records.
            recorded = {d.discussion_id for d in documents if d.kind == kind and not d.is_superseded}
            for discussion in subject.discussions.order_by("held_on", "pk"):
                choices.append({
                    "kind": kind, "label": f"{labels[kind]}（{discussion.held_on:%Y-%m-%d}）",
                    "reissue": discussion.pk in recorded, "discussion": discussion.pk,
                    "draft_url": f"{draft_url}?discussion={discussion.pk}",
                })  # fmt: skip
            continue
        choices.append({"kind": kind, "label": labels[kind], "reissue": kind in current, "draft_url": draft_url})
    return {
        "documents": documents,
        "document_issue_url": reverse(f"{route}-issue", args=[subject.pk]),
        "document_choices": choices,
        # The decision is never issued automatically by ``decide``: the page asks for it prominently.
        "decision_prompt": {"kind": decision, "label": labels[decision]}
        if decision in issuable and decision not in current
        else None,
    }


# --- One record's documents ----------------------------------------------------------------------------------


class SubjectMixin(ScopedMixin):
    """Routes under ``cases/<pk>/documents/`` (or ``agreement-actions/<pk>/documents/``)."""

    model = Case
    subject_field = "case"
    permission_required = "enforcement.view_document"

    def get_subject(self):
        try:
            return self.model.objects.visible_to(self.request.user).get(pk=self.kwargs["pk"])
        except self.model.DoesNotExist:
            raise Http404(_("Not found.")) from None

    def get_document(self) -> Document:
        """The document from the scoped queryset, under the record the URL names (404 otherwise).

        Reading needs no more than seeing: whoever sees a case (by scope or by a grant) reads its documents."""
        subject = self.get_subject()
        documents = Document.objects.visible_to(self.request.user).filter(**{self.subject_field: subject})
        try:
            return documents.select_related("issued_by").get(pk=self.kwargs["doc"])
        except Document.DoesNotExist:
            raise Http404(_("Not found.")) from None


def preview_response(html: str) -> HttpResponse:
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = PREVIEW_POLICY
    return response


class DocumentPreviewView(SubjectMixin, View):
    """The issued document as HTML, exactly as it was issued: the browser prints it like the PDF."""

    def get(self, request, *args, **kwargs):
        return preview_response(self.get_document().html)


class DocumentDownloadView(SubjectMixin, View):
    """The stored PDF, named by its number; every download is audited."""

    def get(self, request, *args, **kwargs):
        document = self.get_document()
        document_services.document_record_download(document=document, by=request.user)
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.filename, content_type="application/pdf"
        )


class DocumentDraftView(SubjectMixin, View):
    """The print preview of a document not issued yet (today's content, no number, marked 样稿)."""

    def get(self, request, *args, **kwargs):
        kind = self.kwargs["kind"]
        if kind not in TITLES:
            raise Http404(_("Not found."))
        subject = self.get_subject()
        try:
            html = document_services.document_draft_html(
                kind=kind, discussion=self.request.GET.get("discussion") or None, **{self.service_arg: subject}
            )
        except ValidationError:
            raise Http404(_("Not found.")) from None
        return preview_response(html)

    @property
    def service_arg(self) -> str:
        return "case" if self.model is Case else "action"


class DocumentIssueView(SubjectMixin, View):
    """POST-only: issue (or, with a reason, correct) one document, then back to the record's page."""

    http_method_names = ["post"]
    permission_required = "enforcement.issue_document"
    object_view = True

    def get_object(self, queryset=None):
        subject = self.get_subject()
        if not self.request.user.has_perm(self.get_permission_required(), subject):
            raise PermissionDenied(_("Your role may not do this for this record."))
        return subject

    def post(self, request, *args, **kwargs):
        subject = self.object
        kind = request.POST.get("kind", "")
        arg = {"case": subject} if self.model is Case else {"action": subject}
        try:
            document = document_services.document_issue(
                kind=kind, by=request.user, reason=request.POST.get("reason", ""),
                discussion=request.POST.get("discussion") or None, **arg,
            )  # fmt: skip
        except (InvalidState, ValidationError) as exc:
            messages.error(request, error_message(exc))
        except ImproperlyConfigured as exc:  # the server lacks the PDF libraries or the font (README)
            messages.error(request, _("Documents cannot be printed on this server: %(problem)s") % {"problem": exc})
        else:
            messages.success(request, _("Issued: %(document)s.") % {"document": document})
        return redirect(f"{subject.get_absolute_url()}#documents")


class AgreementActionSubject:
    model = AgreementAction
    subject_field = "agreement_action"


class AgreementActionDocumentPreviewView(AgreementActionSubject, DocumentPreviewView):
    pass


class AgreementActionDocumentDownloadView(AgreementActionSubject, DocumentDownloadView):
    pass


class AgreementActionDocumentDraftView(AgreementActionSubject, DocumentDraftView):
    pass


class AgreementActionDocumentIssueView(AgreementActionSubject, DocumentIssueView):
    pass


# --- The documents list and batch printing ------------------------------------------------------------------


class DocumentListView(FilteredListMixin, ScopedMixin, ListView):
    """Every issued document in the user's scope; chiefs tick documents and print them as one PDF."""

    model = Document
    permission_required = "enforcement.view_document"
    filterset_class = DocumentFilter
    paginate_by = 50
    # Columns a reader may sort by, each served by an index (issue 16).
    sort_orders = {"number": ("number", "version"), "issued": ("issued_at", "id")}
    template_name = "enforcement/document_list.html"

    def scoped_queryset(self):
        return (
            Document.objects.visible_to(self.request.user)
            .select_related("case", "agreement_action__institution", "jurisdiction", "issued_by")
            .defer("html", "case__facts")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_print"] = self.request.user.has_perm("enforcement.print_document")
        return context


class PrintBatchCreateView(ScopedMixin, View):
    """POST-only: the ticked documents become a print batch (merged now when small, else in the background)."""

    model = PrintBatch
    permission_required = "enforcement.print_document"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            batch = document_services.print_batch_create(
                by=request.user, document_ids=request.POST.getlist("documents")
            )
        except ValidationError as exc:
            messages.error(request, error_message(exc))
            return redirect(reverse("enforcement:document-list") + self._back_query())
        return redirect(batch)

    def _back_query(self) -> str:
        query = self.request.POST.get("back", "")
        return f"?{query}" if query and not query.startswith(("/", "http")) else ""


class PrintBatchMixin(ScopedMixin):
    model = PrintBatch
    permission_required = "enforcement.print_document"


class PrintBatchDetailView(PrintBatchMixin, DetailView):
    """The batch's progress (polled by static/js/job-progress.js) and, when ready, its download."""

    template_name = "enforcement/printbatch_detail.html"


class PrintBatchStatusView(PrintBatchMixin, View):
    def get(self, request, *args, **kwargs):
        batch = self.get_object()
        return JsonResponse(
            {
                "state": batch.state,
                "state_label": batch.get_state_display(),
                "done": batch.done,
                "total": batch.total,
                "percent": batch.percent,
                "finished": batch.is_finished,
            }
        )


class PrintBatchDownloadView(PrintBatchMixin, View):
    def get(self, request, *args, **kwargs):
        batch = self.get_object()
        if batch.state != PrintBatch.State.DONE or not batch.file:
            raise Http404(_("Not found."))
        document_services.print_batch_record_download(batch=batch, by=request.user)
        return FileResponse(
            batch.file.open("rb"),
            as_attachment=True,
            filename=f"print-batch-{batch.pk}.pdf",
            content_type="application/pdf",
        )
