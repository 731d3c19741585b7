"""REST API of a case's evidence (contract ``cases/{id}/evidence/``): the list, adding a piece of evidence with its
file (multipart), and the file itself (``url``), bytes unchanged and audited.

Order of refusals: the role anywhere (403), the case from ``visible_to`` (404), the assignment (403), the case's
state (409: archived, decided, not yet filed), then the input (400 naming the field). An over-sized body was
refused with 413 before it was read (``portal.gate``, the ``evidence`` cap).
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from enforcement.cases.api import domain_errors, responses
from enforcement.cases.models import Case
from enforcement.evidence import services
from enforcement.evidence.models import Evidence
from enforcement.evidence.transitions import ADD_EVIDENCE
from portal import evidence as evidence_files

VIEW_EVIDENCE = "enforcement.view_evidence"
CASE_PATH = OpenApiParameter("pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case's id.")
EVIDENCE_PATH = OpenApiParameter("doc", OpenApiTypes.INT, OpenApiParameter.PATH, description="The evidence's id.")


class EvidenceSerializer(serializers.ModelSerializer):
    collected_by = serializers.CharField(source="collected_by.__str__", help_text="The collector's name.")
    url = serializers.SerializerMethodField(help_text="The file, bytes unchanged; each download is audited.")
    superseded = serializers.SerializerMethodField(help_text="A later version (a correction) replaced this one.")

    class Meta:
        model = Evidence
        fields = ["id", "title", "kind", "collected_on", "collected_by", "sha256", "url", "source", "proves",
                  "original_name", "content_type", "size", "supersedes", "superseded"]  # fmt: skip
        read_only_fields = fields

    def get_url(self, evidence) -> str:
        kwargs = {"pk": evidence.case_id, "doc": evidence.pk}
        return reverse("case-evidence-file", kwargs=kwargs, request=self.context.get("request"))

    def get_superseded(self, evidence) -> bool:
        return evidence.is_superseded


class EvidenceCreateSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices)
    collected_on = serializers.DateField()
    source = serializers.CharField(max_length=200)
    proves = serializers.CharField(required=False, allow_blank=True, default="")


class CaseEvidenceMixin:
    permission_classes = [permissions.IsAuthenticated]

    def get_case(self, request, pk) -> Case:
        if not request.user.has_perm(VIEW_EVIDENCE):
            raise exceptions.PermissionDenied()
        try:
            return Case.objects.visible_to(request.user).get(pk=pk)
        except Case.DoesNotExist:
            raise Http404 from None


class CaseEvidenceView(CaseEvidenceMixin, APIView):
    """The case's evidence, oldest first; POST adds a piece of evidence with its file."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    upload_kind = "evidence"  # portal.uploads: 413 before the body is read

    @extend_schema(tags=["cases"], parameters=[CASE_PATH], responses=responses(EvidenceSerializer(many=True), 403, 404))
    def get(self, request, pk):
        case = self.get_case(request, pk)
        items = Evidence.objects.filter(case=case).select_related("collected_by", "superseded_by")
        return Response(EvidenceSerializer(items, many=True, context={"request": request}).data)

    @extend_schema(
        tags=["cases"],
        parameters=[CASE_PATH],
        request={"multipart/form-data": EvidenceCreateSerializer},
        responses={
            **responses(EvidenceSerializer, 400, 403, 404, 409, status_code=201),
            413: OpenApiResponse(description="The file is larger than the evidence cap."),
        },
        description="Add evidence (assigned officers and the chief, while the case is investigated and before its "
        "decision). The SHA-256 is computed from the bytes received; the type is checked from the content.",
    )
    def post(self, request, pk):
        if not request.user.has_perm(ADD_EVIDENCE):
            raise exceptions.PermissionDenied()
        case = self.get_case(request, pk)
        with domain_errors():
            services.check_case_write(case=case, by=request.user, perm=ADD_EVIDENCE)
            body = EvidenceCreateSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            evidence = services.evidence_add(case=case, by=request.user, **body.validated_data)
        data = EvidenceSerializer(evidence, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


# An evidence download carries the content type recorded at upload: each accepted one is documented.
EVIDENCE_DOWNLOAD = {
    (200, media): OpenApiResponse(OpenApiTypes.BINARY, description="The stored file, bytes unchanged.")
    for media in evidence_files.DOWNLOAD_TYPES
}


class EvidenceDownloadView(CaseEvidenceMixin, APIView):
    """The evidence file, bytes unchanged, with its recorded content type; audited."""

    @extend_schema(
        tags=["cases"],
        parameters=[CASE_PATH, EVIDENCE_PATH],
        responses={**EVIDENCE_DOWNLOAD, 403: responses(None, 403)[403], 404: responses(None, 404)[404]},
    )
    def get(self, request, pk, doc):
        case = self.get_case(request, pk)
        evidence = Evidence.objects.filter(case=case, pk=doc).first()
        if evidence is None or not evidence.file:
            raise Http404
        services.evidence_record_download(evidence=evidence, by=request.user)
        return evidence_files.file_response(evidence)
