"""REST API of the enforcement app: cases/ with their procedure actions and timeline, agreement-actions/.

Input is validated by the same forms as the pages (``enforcement.forms``) and written by the services; the
serializers here only shape the output and document the input in the OpenAPI schema.
"""

from collections.abc import Mapping
from contextlib import contextmanager

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from enforcement import services
from enforcement.clocks import running_clocks
from enforcement.filters import AgreementActionFilter, CaseFilter
from enforcement.forms import ACTION_FORMS, CaseOpenForm, PenaltyItemForm
from enforcement.models import AgreementAction, Case, CaseEvent, ProposedPenalty
from enforcement.procedure import ACTIONS, available_actions
from supervision.api_common import Conflict, ScopedViewSetMixin
from supervision.models import Agreement, Institution
from supervision.permissions import object_perm_checker

VIEW_CASE = "enforcement.view_case"
VIEW_AGREEMENT_ACTION = "enforcement.view_agreementaction"


# --- Errors ---------------------------------------------------------------------------------------------


@contextmanager
def domain_errors():
    """Service exceptions → contract status codes: InvalidState 409, PermissionDenied 403 (with the reason).

    Django's ValidationError is turned into 400 field errors by the project's exception handler.
    """
    try:
        yield
    except services.InvalidState as exc:
        raise Conflict(str(exc)) from exc
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from exc


def validated(form: forms.Form) -> forms.Form:
    """Raise 400 with ``{"field": ["message"]}`` when the form is invalid."""
    if not form.is_valid():
        errors = {
            (api_settings.NON_FIELD_ERRORS_KEY if key == forms.forms.NON_FIELD_ERRORS else key): list(messages)
            for key, messages in form.errors.items()
        }
        raise exceptions.ValidationError(errors)
    return form


def request_data(request) -> Mapping:
    """The request body as a mutable mapping (JSON object, form or multipart)."""
    if not isinstance(request.data, Mapping):
        raise exceptions.ValidationError({"detail": _("Send a JSON object.")})
    return request.data.copy()


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description='Bad input: {"field": ["message", ...]}.'),
    403: OpenApiResponse(DetailSerializer, description="Visible, but the caller's role may not do this."),
    404: OpenApiResponse(DetailSerializer, description="Absent or outside the caller's scope (same body)."),
    409: OpenApiResponse(DetailSerializer, description="Not allowed in the record's current state."),
}


def responses(ok, *codes, status_code=200):
    return {status_code: ok, **{code: ERRORS[code] for code in codes}}


# --- Documenting form input ------------------------------------------------------------------------------


def _schema_field(field: forms.Field) -> serializers.Field:
    """A serializer field describing a form field's JSON input (documentation only)."""
    kwargs = {"required": field.required, "help_text": field.help_text or field.label}
    if isinstance(field, forms.ModelMultipleChoiceField):
        child = serializers.CharField() if field.to_field_name else serializers.IntegerField()
        return serializers.ListField(child=child, **kwargs)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.CharField(**kwargs) if field.to_field_name else serializers.IntegerField(**kwargs)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=[c for c in field.choices if c[0] != ""], **kwargs)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**kwargs)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(max_digits=field.max_digits, decimal_places=field.decimal_places, **kwargs)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **kwargs)
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**kwargs)
    return serializers.CharField(allow_blank=not field.required, **kwargs)


def form_serializer(name: str, form_class, **fields) -> type[serializers.Serializer]:
    """A serializer class documenting ``form_class``'s fields; ``fields`` come first and override."""
    declared = dict(fields)
    for key, field in form_class.base_fields.items():
        declared.setdefault(key, _schema_field(field))
    return type(f"{name}Serializer", (serializers.Serializer,), declared)


PenaltyItemSerializer = form_serializer(
    "PenaltyItem",
    PenaltyItemForm,
    kind=serializers.ChoiceField(choices=ProposedPenalty.Kind.choices, help_text=_("Kind")),
    rule=serializers.CharField(required=False, help_text=_("Penalty rule code, e.g. R38.")),
)


def _action_request(name: str, form_class) -> type[serializers.Serializer]:
    camel = "".join(part.title() for part in name.split("_"))
    extra = {"action": serializers.ChoiceField(choices=[(name, ACTIONS[name].label)])}
    if "penalties" in form_class.base_fields:
        extra["penalties"] = PenaltyItemSerializer(many=True, required=False, help_text=_("Proposed penalties"))
    return form_serializer(f"CaseAction{camel}", form_class, **extra)


CaseActionRequest = PolymorphicProxySerializer(
    component_name="CaseAction",
    serializers={name: _action_request(name, form) for name, form in ACTION_FORMS.items()},
    resource_type_field_name="action",
)

CaseOpenSerializer = form_serializer(
    "CaseOpen",
    CaseOpenForm,
    violation_codes=serializers.ListField(child=serializers.CharField(), help_text=_("Violation codes")),
)


# --- Cases -----------------------------------------------------------------------------------------------


class CaseListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        cases = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        if request is not None:
            # What the caller may do on each row is read for the whole page at once, not per row.
            self.child.perm_checker = object_perm_checker(request.user, cases)
        return super().to_representation(cases)


class CaseSerializer(serializers.ModelSerializer):
    violation_codes = serializers.SlugRelatedField(
        source="violation_types", slug_field="code", many=True, read_only=True, help_text=_("Violation codes")
    )
    officers = serializers.SerializerMethodField(help_text="User ids of the assigned officers, the lead officer first.")
    overdue = serializers.SerializerMethodField(help_text="A clock that runs in the case's state has passed its date.")
    available_actions = serializers.SerializerMethodField(
        help_text="Procedure actions the caller may take now (POST them to cases/{id}/actions/)."
    )

    perm_checker = None

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "institution",
            "jurisdiction",
            "state",
            "violation_codes",
            "amount_involved",
            "officers",
            "decision_due",
            "filing_due",
            "lead_received_on",
            "filed_on",
            "party_kind",
            "party_name",
            "is_major",
            "outcome",
            "fine_amount",
            "return_amount",
            "decided_on",
            "closed_on",
            "opened_at",
            "overdue",
            "available_actions",
        ]
        read_only_fields = fields
        list_serializer_class = CaseListSerializer

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_officers(self, case) -> list[int]:
        return [a.user_id for a in case.assignments.all()]  # CaseOfficer's ordering puts the lead first

    def get_overdue(self, case) -> bool:
        return any(badge.days_left < 0 for badge in running_clocks(case))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, case) -> list[str]:
        user = self.context["request"].user
        checker = self.perm_checker or object_perm_checker(user, [case])
        return [a.name for a in available_actions(case, user, has_perm=checker)]


class AvailableActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    comment_required = serializers.BooleanField()
    changes_state = serializers.BooleanField()
    help = serializers.CharField()


class CaseEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "action", "from_state", "to_state", "actor", "actor_name", "at", "comment", "payload"]
        read_only_fields = fields

    def get_actor_name(self, event) -> str:
        return str(event.actor) if event.actor_id else ""


class ObjectRoutesMixin:
    """Scope first for every method: an unsupported method on a record the caller cannot see is a 404 too."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


@extend_schema(tags=["cases"])
class CaseViewSet(ObjectRoutesMixin, ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cases in the caller's scope. ``officers`` are user ids; money is a decimal string."""

    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    perms = {
        "create": "enforcement.add_case",
        # Reading a case is enough to ask for an action; the action's own permission is checked on the case.
        "*": VIEW_CASE,
    }

    def scoped_queryset(self, user):
        return (
            Case.objects.visible_to(user)
            .select_related("jurisdiction")
            .prefetch_related("violation_types", "assignments")
            .order_by("-opened_at", "-pk")
        )

    def get_serializer_class(self):
        # The browsable API renders the POST form of the list with the list's action name.
        if self.action == "create" or (self.action == "list" and self.request.method == "POST"):
            return CaseOpenSerializer
        return CaseSerializer

    def _case_response(self, case, status_code=status.HTTP_200_OK) -> Response:
        # Re-read through the scoped queryset so that the answer has the same shape (and prefetches) as a GET.
        fresh = self.get_queryset().filter(pk=case.pk).first() or case
        return Response(CaseSerializer(fresh, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(
        request=CaseOpenSerializer,
        responses=responses(CaseSerializer, 400, 403, status_code=201),
        description="Open a case in state `filing` (officers only); the jurisdiction is the institution's. "
        "`party_kind` defaults to `organisation`.",
    )
    def create(self, request, *args, **kwargs):
        data = request_data(request)
        data.setdefault("party_kind", Case.PartyKind.ORGANISATION)
        form = validated(CaseOpenForm(data=data, user=request.user))
        with domain_errors():
            case = services.case_open(by=request.user, **form.to_kwargs())
        return self._case_response(case, status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        responses=responses(AvailableActionSerializer(many=True), 403, 404),
        description="The procedure actions the caller may take on the case now.",
    )
    @extend_schema(
        methods=["POST"],
        request=CaseActionRequest,
        responses=responses(CaseSerializer, 400, 403, 404, 409),
        description="Take a procedure action (domain §4). Checked in this order: 404 outside the caller's "
        "scope, 403 when the caller's role may not take it on this case, 409 when the case's state does "
        "not allow it, then 400 for the action's fields.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def actions(self, request, pk=None, **kwargs):
        case = self.get_object()
        if request.method == "GET":
            return Response(AvailableActionSerializer(available_actions(case, request.user), many=True).data)
        data = request_data(request)
        name = data.get("action")
        if not isinstance(name, str) or not name:
            raise exceptions.ValidationError({"action": [_("Name the action.")]})
        with domain_errors():
            services.case_check_action(case=case, action=name, by=request.user)
            form = validated(ACTION_FORMS[name](data=data, case=case, user=request.user))
            services.case_act(
                case=case, action=name, by=request.user, comment=form.cleaned_data.get("comment") or "",
                data=form.to_data(),
            )  # fmt: skip
        return self._case_response(case)

    @extend_schema(responses=responses(CaseEventSerializer(many=True), 403, 404))
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, pk=None, **kwargs):
        """The case's timeline, oldest first."""
        case = self.get_object()
        page = self.paginate_queryset(case.events.select_related("actor").order_by("at", "pk"))
        return self.get_paginated_response(CaseEventSerializer(page, many=True).data)


# --- Agreement actions -----------------------------------------------------------------------------------


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


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text=_("The reason."))


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
            obj = services.agreement_action_propose(by=request.user, **serializer.validated_data)
        return self._respond(obj, status.HTTP_201_CREATED)

    @extend_schema(request=CommentSerializer, responses=responses(AgreementActionSerializer, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, **kwargs):
        """Approve a proposed measure (the chief; a termination then also the director)."""
        obj = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with domain_errors():
            obj = services.agreement_action_approve(action=obj, by=request.user, comment=body.validated_data["comment"])
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
            obj = services.agreement_action_reject(action=obj, by=request.user, comment=body.validated_data["comment"])
        return self._respond(obj)

    @extend_schema(request=None, responses=responses(AgreementActionSerializer, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None, **kwargs):
        """Apply an approved measure; a suspension or termination changes the agreement's status."""
        obj = self.get_object()
        with domain_errors():
            obj = services.agreement_action_apply(action=obj, by=request.user)
        return self._respond(obj)

    @extend_schema(request=ReasonSerializer, responses=responses(AgreementActionSerializer, 400, 403, 404, 409))
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None, **kwargs):
        """Revoke an applied measure (the comment is the reason); its consequences are reversed."""
        obj = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with domain_errors():
            obj = services.agreement_action_revoke(action=obj, by=request.user, reason=body.validated_data["comment"])
        return self._respond(obj)
