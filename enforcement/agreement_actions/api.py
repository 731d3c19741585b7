"""REST API of the enforcement app: cases/ with their procedure actions and timeline, agreement-actions/."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from enforcement.agreement_actions import services as agreement_actions_services
from enforcement.agreement_actions.filters import AgreementActionFilter
from enforcement.agreement_actions.models import AgreementAction
from enforcement.cases.api import CommentSerializer, ReasonSerializer, domain_errors, responses
from enforcement.cases.models import Case
from portal.api import ObjectRoutesMixin, ScopedViewSetMixin
from supervision.register.models import Agreement, Institution

VIEW_AGREEMENT_ACTION = "enforcement.view_agreementaction"


class AgreementActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementAction
        fields = [
            "id",
            "kind",
            "institution",
            "agreement",
            "case",
            "state",
            "grounds",
            "amount",
            "starts_on",
            "ends_on",
            "termination_ground",
            "evidence",
            "jurisdiction",
            "proposed_by",
            "proposed_at",
            "chief_approved_by",
            "director_approved_by",
            "decided_comment",
            "applied_at",
            "ended_at",
        ]
        read_only_fields = [
            "state",
            "jurisdiction",
            "proposed_by",
            "proposed_at",
            "chief_approved_by",
            "director_approved_by",
            "decided_comment",
            "applied_at",
            "ended_at",
        ]
        extra_kwargs = {
            "agreement": {"required": False, "help_text": _("Defaults to the institution's current agreement.")},
            "case": {"required": False},
            "termination_ground": {
                "required": False,
                "help_text": _("Termination: the ground's id (Order No.2 Art 43)."),
            },
            "evidence": {"required": False},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only records the caller can see may be named; others read as "does not exist".
            user = request.user
            self.fields["institution"].queryset = Institution.objects.visible_to(user)
            self.fields["agreement"].queryset = Agreement.objects.visible_to(user)
            self.fields["case"].queryset = Case.objects.visible_to(user)

    def validate(self, attrs):
        institution, case = attrs.get("institution"), attrs.get("case")
        if case is not None and institution is not None and case.institution_id != institution.pk:
            raise serializers.ValidationError({"case": [_("The case concerns another institution.")]})
        return attrs


@extend_schema(tags=["agreement-actions"])
class AgreementActionViewSet(
    ObjectRoutesMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet
):
    """Agreement measures (协议处理): proposed, approved by the chief (a termination also by the director), applied."""

    serializer_class = AgreementActionSerializer
    filterset_class = AgreementActionFilter
    perms = {
        "create": "enforcement.add_agreementaction",
        "approve": "enforcement.approve_agreementaction",
        "reject": "enforcement.approve_agreementaction",
        "apply": "enforcement.apply_agreementaction",
        "revoke": "enforcement.approve_agreementaction",
        "*": VIEW_AGREEMENT_ACTION,
    }

    def scoped_queryset(self, user):
        return AgreementAction.objects.visible_to(user).order_by("-proposed_at", "-pk")

    def _respond(self, obj, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(obj).data, status=status_code)

    @extend_schema(responses=responses(AgreementActionSerializer, 400, 403, status_code=201))
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with domain_errors():
            obj = agreement_actions_services.agreement_action_propose(by=request.user, **serializer.validated_data)
        return self._respond(obj, status.HTTP_201_CREATED)

    @extend_schema(request=CommentSerializer, responses=responses(AgreementActionSerializer, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        """Approve a proposed measure (the chief; a termination then also the director)."""
        obj = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with domain_errors():
            obj = agreement_actions_services.agreement_action_approve(
                action=obj, by=request.user, comment=body.validated_data["comment"]
            )
        return self._respond(obj)

    @extend_schema(request=ReasonSerializer, responses=responses(AgreementActionSerializer, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        """Reject a proposed measure; the comment (the reason) is required."""
        obj = self.get_object()
        # Parsed leniently so that a wrong state answers 409 before a missing reason answers 400.
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with domain_errors():
            obj = agreement_actions_services.agreement_action_reject(
                action=obj, by=request.user, comment=body.validated_data["comment"]
            )
        return self._respond(obj)

    @extend_schema(request=None, responses=responses(AgreementActionSerializer, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None, **kwargs):
        """Apply an approved measure; a suspension or termination changes the agreement's status."""
        obj = self.get_object()
        with domain_errors():
            obj = agreement_actions_services.agreement_action_apply(action=obj, by=request.user)
        return self._respond(obj)

    @extend_schema(request=ReasonSerializer, responses=responses(AgreementActionSerializer, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None, **kwargs):
        """Revoke an applied measure (the comment is the reason); its consequences are reversed."""
        obj = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with domain_errors():
            obj = agreement_actions_services.agreement_action_revoke(
                action=obj, by=request.user, reason=body.validated_data["comment"]
            )
        return self._respond(obj)
