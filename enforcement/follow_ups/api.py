"""API: follow up a confirmed lead or an inspection finding with a case or an agreement action.

``POST /api/v1/leads/{id}/open-case/`` and ``.../agreement-action/``; the same for ``findings/{id}/``.
404 when the lead (the finding's inspection) is not visible, 403 when the caller's role may not open the
target for the institution, 409 when the lead is not confirmed (the finding was followed up already),
400 for bad input.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from enforcement.agreement_actions.api import AgreementActionSerializer
from enforcement.cases.api import CaseSerializer, form_serializer, responses, validated
from enforcement.cases.models import Case
from enforcement.follow_ups import services
from enforcement.follow_ups.forms import LeadAgreementActionForm, LeadCaseForm
from portal.api import Conflict, DomainPermission
from supervision.inspections.models import Finding, Inspection
from supervision.leads.models import Lead
from supervision.leads.transitions import CONVERTIBLE


class FollowUpAPIView(APIView):
    permission_classes = [permissions.IsAuthenticated, DomainPermission]
    http_method_names = ["post", "options"]
    source = "lead"
    action = None  # DomainPermission reads the permission of ``perms["*"]``
    perms: dict = {}

    def get_object(self):
        user = self.request.user
        pk = self.kwargs["pk"]
        if self.source == "finding":
            finding = (
                Finding.objects.select_related("inspection__institution")
                .filter(pk=pk, inspection__in=Inspection.objects.visible_to(user))
                .first()
            )
            if finding is None:
                raise Http404
            institution = finding.inspection.institution
            record = finding
        else:
            record = Lead.objects.visible_to(user).select_related("institution").filter(pk=pk).first()
            if record is None:
                raise Http404
            institution = record.institution
        if not user.has_perm(self.perms["*"], institution):
            raise exceptions.PermissionDenied()
        return record

    def http_method_not_allowed(self, request, *args, **kwargs):
        self.get_object()  # scope first: an absent or hidden record is a 404 for every method
        return super().http_method_not_allowed(request, *args, **kwargs)

    def check_state(self, record) -> None:
        """409 before any input is read (the services check it again under the row lock)."""
        if self.source == "finding":
            if record.lead_id:
                raise Conflict(_("This finding has been followed up already."))
        elif record.status not in CONVERTIBLE:
            raise Conflict(
                _("Only a confirmed lead can be followed up; this one is “%(status)s”.")
                % {"status": record.get_status_display()}
            )


LeadCaseRequest = form_serializer(
    "LeadOpenCase",
    LeadCaseForm,
    violation_codes=serializers.ListField(child=serializers.CharField(), help_text=_("Violation codes")),
)
LeadAgreementActionRequest = form_serializer("LeadAgreementAction", LeadAgreementActionForm)


class CaseFollowUpAPIView(FollowUpAPIView):
    perms = {"*": "enforcement.add_case"}

    @extend_schema(
        request=LeadCaseRequest,
        responses=responses(CaseSerializer, 400, 403, 404, 409, status_code=201),
        description="Open a case from the record: `title`, `violation_codes` (list), `amount_involved` "
        "(defaults to the record's amount), `facts`, `is_major`.",
    )
    def post(self, request, pk=None):
        record = self.get_object()
        self.check_state(record)
        data = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
        if "amount_involved" not in data:
            data["amount_involved"] = str(record.amount)
        form = validated(LeadCaseForm(data=data))
        try:
            if self.source == "finding":
                case = services.finding_open_case(finding=record, by=request.user, **form.to_kwargs())
            else:
                case = services.lead_convert_to_case(lead=record, by=request.user, **form.to_kwargs())
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc
        fresh = Case.objects.prefetch_related("violation_types", "assignments").get(pk=case.pk)
        return Response(CaseSerializer(fresh, context={"request": request}).data, status=status.HTTP_201_CREATED)


class AgreementActionFollowUpAPIView(FollowUpAPIView):
    perms = {"*": "enforcement.add_agreementaction"}

    @extend_schema(
        request=LeadAgreementActionRequest,
        responses=responses(AgreementActionSerializer, 400, 403, 404, 409, status_code=201),
        description="Propose an agreement action from the record: `kind`, `grounds`, `amount`, `starts_on`, `ends_on`.",
    )
    def post(self, request, pk=None):
        record = self.get_object()
        self.check_state(record)
        form = validated(LeadAgreementActionForm(data=request.data))
        try:
            if self.source == "finding":
                action = services.finding_propose_agreement_action(finding=record, by=request.user, **form.to_kwargs())
            else:
                action = services.lead_convert_to_agreement_action(lead=record, by=request.user, **form.to_kwargs())
        except DjangoPermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc) or None) from exc
        data = AgreementActionSerializer(action, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class FindingCaseFollowUpAPIView(CaseFollowUpAPIView):
    source = "finding"


class FindingAgreementActionFollowUpAPIView(AgreementActionFollowUpAPIView):
    source = "finding"
