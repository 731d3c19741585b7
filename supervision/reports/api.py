"""REST API for reports (contract ``reports/``): a social supervisor creates and reads their own; staff read
those in their jurisdiction and reply."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api import ObjectRoutesMixin, ScopedViewSetMixin
from supervision.register.models import Institution
from supervision.reports import services as reports_services
from supervision.reports.filters import ReportFilter
from supervision.reports.models import Report, ReportFeedback


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportFeedback
        fields = ["id", "text", "at"]


class ReportSerializer(serializers.ModelSerializer):
    """What the reporter's side and staff both read; staff fields are added by StaffReportSerializer."""

    feedback = FeedbackSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "institution",
            "summary",
            "details",
            "observed_on",
            "status",
            "submitted_by",
            "submitted_at",
            "received_on",
            "reply_due",
            "replied_on",
            "feedback",
        ]
        read_only_fields = fields


class StaffReportSerializer(ReportSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "jurisdiction", "lead", "is_anonymous", "overdue"]
        read_only_fields = fields

    def get_overdue(self, report) -> bool:
        return report.is_reply_overdue()


class ReportCreateSerializer(serializers.Serializer):
    institution = serializers.PrimaryKeyRelatedField(queryset=Institution.objects.none())
    summary = serializers.CharField(max_length=200)
    details = serializers.CharField(max_length=8000)
    observed_on = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["institution"].queryset = Institution.objects.visible_to(request.user)


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000, help_text=_("The reply the reporter reads."))


@extend_schema(tags=["reports"])
class ReportViewSet(ObjectRoutesMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Supervisor and public reports. A social supervisor creates reports and sees only their own; staff see
    those in their jurisdiction and reply (the first reply stops the reply clock)."""

    filterset_class = ReportFilter
    lookup_value_regex = r"\d+"
    perms = {
        "create": "supervision.submit_report",
        "reply": "supervision.reply_report",
        "*": "supervision.view_report",
    }

    def scoped_queryset(self, user):
        return (
            Report.objects.visible_to(user)
            .select_related("institution")
            .prefetch_related("feedback")
            .order_by("-submitted_at", "-pk")
        )

    def get_serializer_class(self):
        if self.action == "create":
            return ReportCreateSerializer
        user = self.request.user
        if user.is_authenticated and user.is_staff_member:
            return StaffReportSerializer
        return ReportSerializer

    def _respond(self, report, status_code=status.HTTP_200_OK):
        report = self.get_queryset().get(pk=report.pk)
        serializer_class = StaffReportSerializer if self.request.user.is_staff_member else ReportSerializer
        return Response(serializer_class(report, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(request=ReportCreateSerializer, responses={201: ReportSerializer})
    def create(self, request, *args, **kwargs):
        body = ReportCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        report = reports_services.report_submit(by=request.user, **body.validated_data)
        return self._respond(report, status.HTTP_201_CREATED)

    @extend_schema(request=ReplySerializer, responses={200: StaffReportSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None, **kwargs):
        """Reply to the reporter (chief, officer of the handling branch)."""
        report = self.get_object()
        body = ReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reports_services.report_reply(report=report, by=request.user, text=body.validated_data["text"])
        return self._respond(report)
