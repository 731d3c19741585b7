"""REST API for leads (contract ``leads/`` and ``leads/import/``)."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal import uploads
from portal.api import ObjectRoutesMixin, ScopedViewSetMixin
from supervision.leads import imports as leads_import
from supervision.leads import services as leads_services
from supervision.leads.filters import LeadFilter
from supervision.leads.models import ImportBatch, Lead
from supervision.org.models import User
from supervision.register.models import Institution

VIEW_LEAD = "supervision.view_lead"


class LeadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lead
        fields = [
            "id",
            "source",
            "institution",
            "jurisdiction",
            "status",
            "amount",
            "received_on",
            "description",
            "rule_code",
            "hits",
            "occurred_on",
            "external_id",
            "assignee",
            "dispatched_on",
            "verification_due",
            "verification_started_on",
            "decided_on",
            "decision_note",
            "batch",
            "created_at",
        ]
        read_only_fields = fields


class LeadCreateSerializer(serializers.Serializer):
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.none())
    source = serializers.ChoiceField(choices=[c for c in Lead.Source.choices if c[0] != Lead.Source.SCREENING])
    description = serializers.CharField(max_length=4000)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, default=0)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Institutions the caller cannot see read as "does not exist".
            self.fields["institution"].queryset = Institution.objects.visible_to(request.user)


class DispatchSerializer(serializers.Serializer):
    officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )


class BulkDispatchSerializer(DispatchSerializer):
    leads = serializers.ListField(child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=200)


class BulkRefusal(serializers.Serializer):
    lead = serializers.IntegerField()
    message = serializers.CharField()


class BulkRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = BulkRefusal(many=True)


class DismissSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("Required."))


class ConfirmSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8 with or without BOM, or GB18030) or XLSX.")
    encoding = serializers.ChoiceField(choices=ImportBatch.Encoding.choices, required=False, default="auto")


ImportCreated = inline_serializer(
    "LeadImportCreated",
    {"batch": serializers.IntegerField(), "created": serializers.IntegerField(), "skipped": serializers.IntegerField()},
)
ImportQueued = inline_serializer(
    "LeadImportQueued", {"batch": serializers.IntegerField(), "status": serializers.CharField()}
)
ImportStatus = inline_serializer(
    "LeadImportStatus",
    {
        "id": serializers.IntegerField(),
        "status": serializers.CharField(),
        "status_label": serializers.CharField(),
        "progress": serializers.IntegerField(),
        "processed_rows": serializers.IntegerField(),
        "total_rows": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "skipped": serializers.IntegerField(),
        "error_count": serializers.IntegerField(),
        "done": serializers.BooleanField(),
        "errors": serializers.ListField(child=serializers.DictField()),
        "message": serializers.CharField(),
    },
)
ImportErrors = inline_serializer(
    "LeadImportErrors",
    {
        "errors": inline_serializer(
            "LeadImportError",
            {
                "row": serializers.IntegerField(allow_null=True),
                "field": serializers.CharField(),
                "message": serializers.CharField(),
            },
            many=True,
        )
    },
)


@extend_schema(tags=["leads"])
class LeadViewSet(ObjectRoutesMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Leads in the caller's scope; lifecycle steps as POST actions (409 when the lead's status does not allow
    them); screening leads in bulk through ``import/``."""

    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    lookup_value_regex = r"\d+"
    upload_kind = None  # set per action (portal.uploads): the import's size cap is checked before parsing
    perms = {
        "create": "supervision.add_lead",
        "dispatch_to_branch": "supervision.dispatch_lead",
        "bulk_dispatch": "supervision.dispatch_lead",
        "start_verification": "supervision.verify_lead",
        "dismiss": "supervision.decide_lead",
        "confirm": "supervision.decide_lead",
        "import_file": "supervision.import_lead",
        "import_status": "supervision.view_importbatch",
        "*": VIEW_LEAD,
    }

    def scoped_queryset(self, user):
        return Lead.objects.visible_to(user).order_by("-received_on", "-pk")

    def get_serializer_class(self):
        if self.action == "create" or (self.action == "list" and self.request.method == "POST"):
            return LeadCreateSerializer
        return LeadSerializer

    def _respond(self, lead, status_code=status.HTTP_200_OK):
        return Response(LeadSerializer(lead, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=LeadCreateSerializer, responses={201: LeadSerializer})
    def create(self, request, *args, **kwargs):
        body = LeadCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if not request.user.has_perm("supervision.add_lead", data["institution"]):
            raise exceptions.ValidationError({"institution": [_("You may not log leads for this institution.")]})
        lead = leads_services.lead_create(by=request.user, **data)
        return self._respond(lead, status.HTTP_201_CREATED)

    @extend_schema(request=DispatchSerializer, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_to_branch(self, request, pk=None, **kwargs):
        """Dispatch a new lead to its institution's branch (analyst, chief), optionally to an officer."""
        lead = self.get_object()
        body = DispatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(leads_services.lead_dispatch(lead=lead, by=request.user, **body.validated_data))

    @extend_schema(
        request=BulkDispatchSerializer,
        responses={
            200: LeadSerializer(many=True),
            409: OpenApiResponse(BulkRefusedSerializer, description="None was dispatched; each refusal listed."),
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk-dispatch", url_name="bulk-dispatch", filter_backends=[],
            pagination_class=None)  # fmt: skip
    def bulk_dispatch(self, request, **kwargs):
        """Dispatch several leads at once, all or nothing, each audited on its own; a lead outside the caller's
        scope is refused like a missing one. Any refusal ⇒ 409 listing every refused lead, nothing written."""
        body = BulkDispatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            done = leads_services.leads_dispatch_many(
                ids=body.validated_data["leads"], by=request.user, officer=body.validated_data["officer"]
            )
        except leads_services.BulkRefused as refused:
            errors = [{"lead": pk, "message": message} for pk, message in refused.report]
            detail = _("Nothing was dispatched: %(count)d of the chosen leads cannot be.") % {"count": len(errors)}
            return Response({"detail": detail, "errors": errors}, status=status.HTTP_409_CONFLICT)
        return Response(LeadSerializer(done, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"], url_path="start-verification")
    def start_verification(self, request, pk=None, **kwargs):
        """The branch starts verifying a dispatched lead."""
        lead = self.get_object()
        return self._respond(leads_services.lead_start_verification(lead=lead, by=request.user))

    @extend_schema(request=DismissSerializer, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None, **kwargs):
        """Dismiss a lead under verification; ``reason`` is required."""
        lead = self.get_object()
        body = DismissSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(leads_services.lead_dismiss(lead=lead, by=request.user, **body.validated_data))

    @extend_schema(request=ConfirmSerializer, responses={200: LeadSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, **kwargs):
        """Confirm a lead under verification; it can then become a case or an agreement action."""
        lead = self.get_object()
        body = ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(leads_services.lead_confirm(lead=lead, by=request.user, **body.validated_data))

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            201: ImportCreated,
            202: OpenApiResponse(ImportQueued, description="A large file: imported by the task worker."),
            400: OpenApiResponse(ImportErrors, description="Every bad row; nothing was imported."),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="Only analysts and chiefs import."),
        },
        description="Import screening leads from a CSV or XLSX file whose header row has `institution_code, "
        "rule_code, description, amount, occurred_on, external_id`. Every row is checked first; any bad row "
        "⇒ 400 with the full report and nothing is imported. A row whose `external_id` was imported before is "
        "skipped; an `external_id` repeated inside the file is an error. Each lead lands in its institution's "
        "branch. A file over the upload cap (50 MB by default) is refused with 413 before it is read; a large "
        "file (over `UPLOAD_INLINE_MAX_BYTES`, XLSX counted uncompressed) is imported by the task worker: 202 "
        "with the batch, whose progress and report `leads/import/{id}/` gives.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
        pagination_class=None,
        upload_kind="lead_import",
    )
    def import_file(self, request, **kwargs):
        upload = request.FILES.get("file")
        if upload is None:
            return Response(
                {"errors": [{"row": None, "field": "file", "message": str(_("Send the file."))}]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        encoding = request.data.get("encoding") or "auto"
        raw = upload.file
        raw.seek(0)
        is_xlsx = raw.read(4) == uploads.XLSX_MAGIC
        raw.seek(0)
        if is_xlsx:
            try:
                uploads.check_xlsx(raw)  # the zip directory only: refuse a bomb before storing anything
            except uploads.UploadRejected as problem:
                error = {"row": None, "field": "file", "message": problem.message}
                return Response({"errors": [error]}, status=status.HTTP_400_BAD_REQUEST)
        if not uploads.runs_inline(raw, is_xlsx):
            # Never hold a web worker for a large file: the task worker imports it (issue 13).
            from supervision.leads.tasks import lead_import_task

            batch = leads_import.lead_import_start(
                by=request.user, fileobj=upload, file_name=upload.name, encoding=encoding
            )
            lead_import_task.enqueue(batch.pk, translation.get_language() or "")
            return Response(_queued(batch), status=status.HTTP_202_ACCEPTED)
        batch = leads_import.lead_import(by=request.user, fileobj=upload, file_name=upload.name, encoding=encoding)
        if batch.status == ImportBatch.Status.DONE:
            return Response(
                {"batch": batch.pk, "created": batch.created_count, "skipped": batch.skipped_count},
                status=status.HTTP_201_CREATED,
            )
        if batch.status == ImportBatch.Status.REJECTED:
            return Response({"errors": batch.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": batch.message}, status=status.HTTP_409_CONFLICT)

    @extend_schema(responses={200: ImportStatus}, description="Progress and report of an import batch.")
    @action(
        detail=False,
        methods=["get"],
        url_path=r"import/(?P<pk>[0-9]+)",
        url_name="import-status",
        filter_backends=[],
        pagination_class=None,
    )
    def import_status(self, request, pk=None, **kwargs):
        found = ImportBatch.objects.visible_to(request.user).filter(pk=pk).first()
        if found is None:
            raise exceptions.NotFound()
        if found.created_by_id != request.user.pk and not request.user.has_perm("supervision.view_importbatch", found):
            raise exceptions.PermissionDenied()
        body = leads_import.progress_of(found)
        body["errors"] = found.errors if found.status == ImportBatch.Status.REJECTED else []
        body["message"] = found.message
        return Response(body)


def _queued(batch: ImportBatch) -> dict:
    return {"batch": batch.pk, "status": batch.status}
