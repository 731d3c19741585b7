"""REST API of smart screening (screening.md §Commands and API): ``screening/rules/``, ``screening/runs/``
(POST → 202, a background task), ``settlement-batches/`` (POST multipart ``file``) and ``leads/{id}/hits/``."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.api import DomainPermission, ObjectRoutesMixin, PagePermissionsListSerializer
from supervision.leads.models import Lead
from supervision.screening import imports, services
from supervision.screening.models import Hit, Rule, RuleVersion, ScreeningRun, SettlementBatch
from supervision.screening.transitions import TRANSITIONS


class ScreenerPermission(permissions.BasePermission):
    """The action's permission, held through a role in a city-wide unit (``imports.may_screen``)."""

    def has_permission(self, request, view):
        perms = getattr(view, "perms", {})
        perm = perms.get(view.action) or perms.get("*")
        return perm is not None and imports.may_screen(request.user, perm)


class RuleVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RuleVersion
        fields = ["number", "params", "basis", "result_type", "scenario", "institution_kinds", "institution_levels",
                  "time_window", "violation_code", "note", "created_at"]  # fmt: skip


class RuleSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = Rule
        fields = ["id", "code", "name", "template", "is_active", "current"]

    def get_current(self, rule) -> dict | None:
        version = rule.current
        return RuleVersionSerializer(version).data if version else None


@extend_schema(tags=["screening"])
class RuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The rule library with each rule's current version."""

    serializer_class = RuleSerializer
    permission_classes = [permissions.IsAuthenticated, ScreenerPermission]
    perms = {"*": "supervision.view_rule"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator reads no table
            return Rule.objects.none()
        if not Rule.objects.exists():
            services.rules_seed()
        return Rule.objects.prefetch_related("versions").order_by("code")


class RunSerializer(serializers.ModelSerializer):
    rules = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningRun
        fields = ["id", "status", "progress", "engine", "dry_run", "date_from", "date_to", "rules", "hits_by_rule",
                  "hits_by_institution", "leads_created", "message", "created_at", "finished_at",
                  "actions"]  # fmt: skip
        list_serializer_class = PagePermissionsListSerializer

    perm_checker = None

    def get_rules(self, run) -> list[str]:
        return [f"{v.rule.code}@{v.number}" for v in run.rule_versions.select_related("rule").order_by("rule__code")]

    def get_actions(self, run) -> list[str]:
        """The steps the caller may take now (the transition table; the same answer as the page's buttons)."""
        request = self.context.get("request")
        return [t.name for t in TRANSITIONS.available(run, request.user, self.perm_checker)] if request else []


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class RunRequestSerializer(serializers.Serializer):
    rules = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)
    dry_run = serializers.BooleanField(required=False, default=False)


@extend_schema(tags=["screening"])
class RunViewSet(ObjectRoutesMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Runs; ``POST {"rules", "date_from", "date_to", "dry_run"}`` → 202 and a background task with progress."""

    serializer_class = RunSerializer
    permission_classes = [permissions.IsAuthenticated, ScreenerPermission]
    perms = {"create": "supervision.run_screening", "cancel": "supervision.run_screening", "*": "supervision.view_rule"}

    def get_queryset(self):
        return ScreeningRun.objects.order_by("-created_at", "-pk")

    @extend_schema(request=CancelSerializer, responses={200: RunSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None, **kwargs):
        """Cancel a queued or running run (409 once it is done, failed or cancelled)."""
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.run_cancel(run=self.get_object(), by=request.user, reason=body.validated_data["reason"])
        return Response(RunSerializer(run, context=self.get_serializer_context()).data)

    @extend_schema(request=RunRequestSerializer, responses={202: RunSerializer})
    def create(self, request, *args, **kwargs):
        from supervision.screening.tasks import screening_run_task

        body = RunRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        run = services.run_start(by=request.user, rule_codes=data["rules"] or None, date_from=data["date_from"],
                                 date_to=data["date_to"], dry_run=data["dry_run"])  # fmt: skip
        screening_run_task.enqueue(run.pk, translation.get_language() or "")
        run.refresh_from_db()
        return Response(RunSerializer(run, context=self.get_serializer_context()).data, status=status.HTTP_202_ACCEPTED)


class BatchSerializer(serializers.ModelSerializer):
    imported_by = serializers.CharField(source="created_by.get_full_name", read_only=True)

    class Meta:
        model = SettlementBatch
        fields = ["id", "file_name", "sha256", "status", "progress", "total_rows", "line_count", "skipped_count",
                  "error_count", "months", "imported_by", "created_at", "finished_at"]  # fmt: skip


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8 or GB18030), XLSX or Parquet with screening.md's columns.")


@extend_schema(tags=["screening"])
class SettlementBatchViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Settlement imports; ``POST`` multipart ``file`` → 201 ``{"batch", "lines", "skipped"}`` or 400 with
    every bad row (nothing kept), 413 over the size cap."""

    serializer_class = BatchSerializer
    permission_classes = [permissions.IsAuthenticated, ScreenerPermission]
    parser_classes = [MultiPartParser, FormParser]
    perms = {"create": "supervision.import_settlements", "*": "supervision.view_rule"}

    def get_queryset(self):
        return SettlementBatch.objects.select_related("created_by").order_by("-created_at", "-pk")

    @extend_schema(request={"multipart/form-data": UploadSerializer})
    def create(self, request, *args, **kwargs):
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [str(_("Send the file."))]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            batch = imports.settlement_import(by=request.user, fileobj=upload, file_name=upload.name)
        except imports.UploadTooLarge as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        if batch.status == SettlementBatch.Status.DONE:
            return Response({"batch": batch.pk, "lines": batch.line_count, "skipped": batch.skipped_count},
                            status=status.HTTP_201_CREATED)  # fmt: skip
        if batch.status == SettlementBatch.Status.REJECTED:
            return Response({"errors": batch.errors}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": batch.message}, status=status.HTTP_409_CONFLICT)


class HitSerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)

    class Meta:
        model = Hit
        fields = ["id", "rule_code", "feedetl_sn", "psn_no", "hilist_code", "fee_ocur_time", "cnt", "pric",
                  "fund_pay", "amount"]  # fmt: skip


@extend_schema(tags=["leads"])
class LeadHitsView(generics.ListAPIView):
    """A screening lead's evidence: its hits, scoped like the lead (out of scope ⇒ 404)."""

    serializer_class = HitSerializer
    permission_classes = [permissions.IsAuthenticated, DomainPermission]
    perms = {"*": "supervision.view_lead"}
    action = "list"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no lead, no request user
            return Lead.screening_hits.rel.related_model.objects.none()
        lead = Lead.objects.visible_to(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if lead is None:
            from django.http import Http404

            raise Http404
        if not self.request.user.has_perm("supervision.view_lead", lead):
            from rest_framework.exceptions import PermissionDenied

            raise PermissionDenied
        return lead.screening_hits.select_related("rule").order_by("fee_ocur_time", "feedetl_sn")
