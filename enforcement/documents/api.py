"""REST API of issued documents: ``cases/{id}/documents/`` (list, issue) and the PDF download.

Scope first, as everywhere: the case comes from ``Case.objects.visible_to`` (404 outside the caller's scope),
its documents from ``Document.objects.visible_to``. Issuing goes through the same service as the pages.
"""

from django.core.exceptions import ImproperlyConfigured
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from enforcement.cases.api import domain_errors, request_data, responses
from enforcement.cases.models import Case
from enforcement.documents import services as document_services
from enforcement.documents.models import Document, DocumentKind
from portal.api import ScopedViewSetMixin


class Unavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("Documents cannot be printed on this server.")
    default_code = "unavailable"


CASE_PATH = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case's id.")
DOC_PATH = OpenApiParameter("doc", OpenApiTypes.INT, OpenApiParameter.PATH, description="The document's id.")


class DocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The PDF (application/pdf); each download is audited.")
    superseded = serializers.SerializerMethodField(help_text="A later version (a correction) replaced this one.")

    class Meta:
        model = Document
        fields = ["id", "kind", "number", "issued_at", "sha256", "url", "version", "superseded", "size", "issued_by"]
        read_only_fields = fields

    def get_url(self, document) -> str:
        kwargs = {"pk": document.case_id, "doc": document.pk}
        return reverse("case-document-download", kwargs=kwargs, request=self.context.get("request"))

    def get_superseded(self, document) -> bool:
        return document.is_superseded


class IssueSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    reason = serializers.CharField(
        required=False, allow_blank=True, help_text=_("Required when a version is in force (a correction).")
    )
    discussion = serializers.IntegerField(
        required=False, help_text=_("collective_discussion_record: the discussion it records (default: the latest).")
    )


@extend_schema(tags=["cases"], parameters=[CASE_PATH])
class CaseDocumentViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The documents issued for one case, newest first; POST issues one (the service decides whether it is a new
    number or a correction of the version in force)."""

    serializer_class = DocumentSerializer
    lookup_url_kwarg = "doc"
    lookup_value_regex = "[0-9]+"
    pagination_class = None  # a case has a handful of documents
    filter_backends = []
    perms = {"create": "enforcement.issue_document", "*": "enforcement.view_document"}

    def get_case(self) -> Case:
        if not hasattr(self, "_case"):
            try:
                self._case = Case.objects.visible_to(self.request.user).get(pk=self.kwargs["pk"])
            except (Case.DoesNotExist, ValueError):
                raise exceptions.NotFound() from None
        return self._case

    def scoped_queryset(self, user):
        return (
            Document.objects.visible_to(user)
            .filter(case=self.get_case())
            .select_related("case")
            .defer("html")
            .order_by("-issued_at", "-pk")
        )

    def check_permissions(self, request):
        super().check_permissions(request)
        self.get_case()  # out of scope (or absent) is a 404 before anything else is looked at

    def http_method_not_allowed(self, request, *args, **kwargs):
        if "doc" in kwargs:
            self.get_object()  # an unsupported method on a document the caller cannot see is a 404 too
        return super().http_method_not_allowed(request, *args, **kwargs)

    def get_object(self):
        # Reading needs no more than seeing the document (a grant on the case is enough).
        queryset = self.get_queryset()
        try:
            return queryset.get(pk=self.kwargs["doc"])
        except (Document.DoesNotExist, ValueError):
            raise exceptions.NotFound() from None

    @extend_schema(
        request=IssueSerializer,
        responses=responses(DocumentSerializer, 400, 403, 404, 409, status_code=201),
        description='Issue a document of the case: `{"kind": "penalty_decision"}`. When a version of that kind '
        "is in force the new one is a correction with the same number and needs a `reason`. 403 when the caller "
        "may not issue it (only the assigned officers and the chief do), 409 when the case's state does not allow "
        "that kind.",
    )
    def create(self, request, *args, **kwargs):
        case = self.get_case()
        data = request_data(request)
        kind = data.get("kind")
        if not isinstance(kind, str) or not kind:
            raise exceptions.ValidationError({"kind": [_("Name the document kind.")]})
        reason = data.get("reason") or ""
        if not isinstance(reason, str):
            raise exceptions.ValidationError({"reason": [_("Give the reason as text.")]})
        try:
            with domain_errors():
                document = document_services.document_issue(
                    kind=kind, by=request.user, case=case, reason=reason, discussion=data.get("discussion")
                )
        except ImproperlyConfigured as exc:  # the server lacks the PDF libraries or the font (README)
            raise Unavailable(str(exc)) from exc
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[DOC_PATH],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The stored PDF."),
            403: responses(None, 403)[403],
            404: responses(None, 404)[404],
        },
        description="The issued PDF, named by its number; the download is audited.",
    )
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        document = self.get_object()
        document_services.document_record_download(document=document, by=request.user)
        return FileResponse(
            document.file.open("rb"), as_attachment=True, filename=document.filename, content_type="application/pdf"
        )

    @extend_schema(parameters=[DOC_PATH])
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
