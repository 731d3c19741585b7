"""REST API for inspections (contract ``inspections/``) and random draws (``random-draws/``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from portal.api import ObjectRoutesMixin, ScopedReadOnlyViewSet, ScopedViewSetMixin
from supervision.inspections import services
from supervision.inspections.filters import InspectionFilter, RandomDrawFilter
from supervision.inspections.models import Finding, Inspection, RandomDraw
from supervision.org.models import User
from supervision.register.models import Institution

VIEW_INSPECTION = "supervision.view_inspection"


class MemberSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    name = serializers.CharField(source="user.__str__")
    is_leader = serializers.BooleanField()


class FindingSerializer(serializers.ModelSerializer):
    lead = serializers.IntegerField(
        source="lead_id",
        read_only=True,
        allow_null=True,
        help_text="The confirmed lead its follow-up went through, if any.",
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "violation_code",
            "description",
            "amount",
            "sha256",
            "evidence_name",
            "recorded_by",
            "recorded_at",
            "lead",
        ]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    team = MemberSerializer(source="members", many=True, read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "kind",
            "institution",
            "jurisdiction",
            "status",
            "title",
            "draw",
            "planned_on",
            "started_on",
            "finished_on",
            "closed_on",
            "team",
            "result",
        ]
        read_only_fields = fields


class InspectionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Inspection.Kind.choices)
    title = serializers.CharField(max_length=200)
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.none())
    planned_on = serializers.DateField()
    team = serializers.ListField(child=serializers.IntegerField(), help_text="User ids; the first leads the team.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["institution"].queryset = Institution.objects.visible_to(request.user)


class FindingCreateSerializer(serializers.Serializer):
    violation_code = serializers.CharField(max_length=40)
    description = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, default=0)
    evidence = serializers.FileField(required=False, allow_null=True, default=None)


class TextSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="finish: the result; cancel: the reason; close: a note."
    )


@extend_schema(tags=["inspections"])
class InspectionViewSet(ObjectRoutesMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections in the caller's scope, plus those a cross-inspection team was granted."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter
    parser_classes = [JSONParser, FormParser, MultiPartParser]
    lookup_value_regex = r"\d+"
    upload_kind = None  # set per action (portal.uploads)
    perms = {
        "create": "supervision.add_inspection",
        "start": "supervision.change_inspection",
        "finish": "supervision.change_inspection",
        "close": "supervision.close_inspection",
        "cancel": "supervision.close_inspection",
        "*": VIEW_INSPECTION,
    }

    def scoped_queryset(self, user):
        return Inspection.objects.visible_to(user).prefetch_related("members__user").order_by("-planned_on", "-pk")

    def get_serializer_class(self):
        if self.action == "create" or (self.action == "list" and self.request.method == "POST"):
            return InspectionCreateSerializer
        return InspectionSerializer

    def _respond(self, inspection, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().filter(pk=inspection.pk).first() or inspection
        return Response(InspectionSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=InspectionCreateSerializer, responses={201: InspectionSerializer})
    def create(self, request, *args, **kwargs):
        body = InspectionCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        users = User.objects.in_bulk(data["team"])
        if len(users) != len(set(data["team"])):
            raise exceptions.ValidationError({"team": [_("Unknown officer.")]})
        if not request.user.has_perm("supervision.add_inspection", data["institution"]):
            raise exceptions.ValidationError({"institution": [_("You may not plan inspections of this institution.")]})
        data["team"] = [users[pk] for pk in data["team"]]
        inspection = services.inspection_create(by=request.user, **data)
        return self._respond(inspection, status.HTTP_201_CREATED)

    def _step(self, request, service, **extra):
        inspection = self.get_object()
        return self._respond(service(inspection=inspection, by=request.user, **extra))

    @extend_schema(request=None, responses={200: InspectionSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None, **kwargs):
        return self._step(request, services.inspection_start)

    @extend_schema(request=TextSerializer, responses={200: InspectionSerializer})
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None, **kwargs):
        return self._step(request, services.inspection_finish, result=str(request.data.get("text", "")))

    @extend_schema(request=TextSerializer, responses={200: InspectionSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, **kwargs):
        return self._step(request, services.inspection_close, note=str(request.data.get("text", "")))

    @extend_schema(request=TextSerializer, responses={200: InspectionSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        return self._step(request, services.inspection_cancel, reason=str(request.data.get("text", "")))

    @extend_schema(methods=["GET"], responses={200: FindingSerializer(many=True)})
    @extend_schema(
        methods=["POST"], request={"multipart/form-data": FindingCreateSerializer}, responses={201: FindingSerializer}
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None, upload_kind="evidence")
    def findings(self, request, pk=None, **kwargs):
        """The inspection's findings; POST records one (violation code, description, amount, evidence file)."""
        inspection = self.get_object()
        if request.method == "GET":
            findings = inspection.findings.prefetch_related("evidence_items")  # sha256, evidence_name: its file
            return Response(FindingSerializer(findings, many=True).data)
        if not request.user.has_perm("supervision.change_inspection", inspection):
            raise exceptions.PermissionDenied()
        body = FindingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = services.inspection_add_finding(inspection=inspection, by=request.user, **body.validated_data)
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


class RandomDrawSerializer(serializers.ModelSerializer):
    class Meta:
        model = RandomDraw
        fields = [
            "id",
            "title",
            "kind",
            "jurisdiction",
            "planned_on",
            "ratio",
            "requested_count",
            "team_size",
            "seed",
            "algorithm",
            "criteria",
            "weights",
            "institution_pool",
            "officer_pool",
            "conflicts",
            "result",
            "drawn_by",
            "drawn_at",
            "published_at",
        ]
        read_only_fields = fields


@extend_schema(tags=["inspections"])
class RandomDrawViewSet(ObjectRoutesMixin, ScopedReadOnlyViewSet):
    """Random draws (双随机) with everything needed to re-run them: seed, pools, weights, conflicts, result."""

    serializer_class = RandomDrawSerializer
    filterset_class = RandomDrawFilter
    lookup_value_regex = r"\d+"
    perms = {"*": "supervision.view_randomdraw"}

    def scoped_queryset(self, user):
        return RandomDraw.objects.visible_to(user).order_by("-drawn_at", "-pk")

    @extend_schema(
        responses={
            200: inline_serializer(
                "DrawVerification", {"reproduced": serializers.BooleanField(), "result": serializers.JSONField()}
            )
        }
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def verify(self, request, pk=None, **kwargs):
        """Re-run the draw from its record and compare with the recorded result."""
        draw = self.get_object()
        same, again = services.draw_verify(draw)
        return Response({"reproduced": same, "result": again})
