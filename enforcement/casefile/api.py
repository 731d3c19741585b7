"""REST API of the case file (contract ``cases/{id}/file/``): the catalogue as JSON, the bound PDF, the ZIP with
``manifest.json``; an evidence item's bytes come from the evidence feature's ``case-evidence-file``. Scope
first: the case comes from ``Case.objects.visible_to`` (404 outside the caller's scope); whoever sees the case
reads its file. Every download is audited."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from enforcement.casefile import selectors, services
from enforcement.cases.models import Case
from portal.api import DomainPermission


class ItemSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    kind = serializers.CharField(help_text="The catalogue's name of the document kind or evidence type.")
    title = serializers.CharField()
    number = serializers.CharField(help_text="The document number (文号); empty for evidence.")
    date = serializers.DateField()
    pages = serializers.IntegerField(help_text="Pages in the bound file (a PDF's page count, else 1).")
    sha256 = serializers.CharField()
    url = serializers.URLField(help_text="The item's original bytes (audited download).")


class CaseFileSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    archived_at = serializers.DateTimeField(allow_null=True)
    items = ItemSerializer(many=True)
    manifest_sha256 = serializers.CharField(help_text="SHA-256 of manifest.json in file.zip.")
    missing = serializers.ListField(child=serializers.CharField(), help_text="What the file still lacks.")


class CaseFileMixin:
    permission_classes = [permissions.IsAuthenticated, DomainPermission]
    perms = {"*": "enforcement.view_case"}
    action = "case_file"

    def get_case(self) -> Case:
        try:
            case = Case.objects.visible_to(self.request.user).select_related("jurisdiction").get(pk=self.kwargs["pk"])
        except (Case.DoesNotExist, ValueError):
            raise exceptions.NotFound() from None
        self.check_object_permissions(self.request, case)
        return case


def item_url(request, case: Case, item: selectors.FileItem) -> str:
    if item.is_document:
        return reverse("case-document-download", kwargs={"pk": case.pk, "doc": item.source.pk}, request=request)
    return reverse("case-evidence-file", kwargs={"pk": case.pk, "doc": item.source.pk}, request=request)


class CaseFileView(CaseFileMixin, APIView):
    @extend_schema(tags=["cases"], responses={200: CaseFileSerializer, 404: OpenApiResponse(OpenApiTypes.OBJECT)})
    def get(self, request, *args, **kwargs):
        """The case file (卷宗): its items in file order, the manifest's SHA-256 (the recorded one once
        archived) and what the file still lacks for the case's procedure path."""
        case = self.get_case()
        items = selectors.file_items(case)
        items_data = [
            {"seq": i.seq, "kind": i.kind, "title": i.title, "number": i.number, "date": i.date, "pages": i.pages,
             "sha256": i.sha256, "url": item_url(request, case, i)}
            for i in items
        ]  # fmt: skip
        data = {
            "case": case.pk,
            "archived_at": case.archived_at,
            "items": items_data,
            "manifest_sha256": case.manifest_sha256 or selectors.manifest_sha256(case, items),
            "missing": selectors.missing_items(case, items, closing=case.state == "executing"),
        }
        return Response(CaseFileSerializer(data).data)


PDF = {(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The bound file.")}
ZIP = {(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The originals and manifest.json.")}


def download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


class CaseFilePdfView(CaseFileMixin, APIView):
    @extend_schema(tags=["cases"], responses=PDF)
    def get(self, request, *args, **kwargs):
        """The bound file: cover, 卷内目录, the items page by page, 备考表 (audited)."""
        case = self.get_case()
        data, _pages = services.file_pdf(case)
        services.file_record_download(case=case, by=request.user, what="file.pdf")
        return download(data, f"{case.number}-file.pdf", "application/pdf")


class CaseFileZipView(CaseFileMixin, APIView):
    @extend_schema(tags=["cases"], responses=ZIP)
    def get(self, request, *args, **kwargs):
        """Every item's original bytes and ``manifest.json`` (``{"files": {name: sha256}}``) (audited)."""
        case = self.get_case()
        data = services.file_zip(case)
        services.file_record_download(case=case, by=request.user, what="file.zip")
        return download(data, f"{case.number}-file.zip", "application/zip")
